// The bpf_conformance suite: every vector in ../shared/conformance/tests goes
// through parser -> conformance assembler -> interpreter, one test each, then a
// summary that must read "313 passed, 0 failed". The negative vectors too: each
// unused-* program is rejected by validateProgram at the right instruction, and
// each invalid_* file gets the upstream runner's assembler message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleConformance } from '../src-vm/asm/conformanceAsm';
import { parseVectorFile, type Vector } from '../src-vm/conformance/vectorFile';
import { formatR0, runVector, type VectorOutcome } from '../src-vm/conformance/runVector';
import { validateProgram } from '../src-vm/isa/validate';
import type { Diagnostic } from '../src-vm/diagnostics';
import { conformanceDir, readVector, vectorFiles } from './vm/conformance/vectorsDir';

const EXPECTED_VECTORS = 313;

function locate(sub: 'tests' | 'negative'): string | undefined {
  try {
    return conformanceDir(sub);
  } catch (err) {
    test(`conformance vectors: ${sub}/ directory`, () => {
      throw err;
    });
    return undefined;
  }
}

function parse(dir: string, file: string): Vector {
  const { value, diagnostics } = parseVectorFile(readVector(dir, file));
  const errors = diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], `${file}: the vector file does not parse`);
  return value;
}

const testsDir = locate('tests');
if (testsDir) {
  const files = vectorFiles(testsDir);
  const outcomes = new Map<string, VectorOutcome>();
  for (const file of files) {
    test(`tests/${file}`, () => {
      const outcome = runVector(parse(testsDir, file));
      outcomes.set(file, outcome);
      assert.equal(outcome.status, 'pass', `${file}: ${outcome.status}: ${outcome.message}`);
    });
  }
  test(`summary: ${EXPECTED_VECTORS} passed, 0 failed`, () => {
    const failed = files.filter((f) => outcomes.get(f)?.status !== 'pass');
    const summary = `${files.length - failed.length} passed, ${failed.length} failed`;
    console.log(`bpf_conformance (${testsDir}): ${summary}`);
    for (const f of failed) console.log(`  FAIL ${f}: ${outcomes.get(f)?.message ?? 'did not run'}`);
    assert.equal(files.length, EXPECTED_VECTORS, `expected ${EXPECTED_VECTORS} vectors in ${testsDir}`);
    assert.equal(summary, `${EXPECTED_VECTORS} passed, 0 failed`);
  });
}

/** `unused-<instruction>-<field>.data`: the field the file sets, as validateProgram names it. */
function fieldOfUnusedFile(file: string): string {
  const field = /^unused-.+-(dst|src|imm|offset)\.data$/.exec(file)?.[1];
  assert.ok(field, `${file}: unexpected name`);
  return field === 'offset' ? 'off' : field;
}

/** The assembler errors the upstream runner's CTest cases expect (tools/tests.cmake PASS_REGULAR_EXPRESSION). */
const ASSEMBLER_ERRORS: Readonly<Record<string, RegExp>> = {
  'invalid_imm32_dec_range.data': /^Immediate out of 32-bit range: 2147483648$/,
  'invalid_imm32_hex_range.data': /^Immediate out of 32-bit range: 0x100000000$/,
  'invalid_label.data': /^Invalid label: NOT_A_LABEL$/,
  'invalid_lock.data': /^Invalid number of operands for lock$/,
  'invalid_lock2.data': /^Invalid number of operands for lock$/,
  'invalid_mnemonic.data': /^Invalid mnemonic: ldxq$/,
  'invalid_offset.data': /^Failed to decode register and offset: %r1$/,
  'invalid_offset_range.data': /^Offset out of 16-bit range: .*0x10000$/,
  'invalid_operand_count.data': /^Invalid number of operands for mnemonic: lddw/,
  'invalid_register.data': /^Invalid register: %r50$/,
};

function firstError(diagnostics: readonly Diagnostic[]): Diagnostic | undefined {
  return diagnostics.find((d) => d.severity === 'error');
}

const negativeDir = locate('negative');
if (negativeDir) {
  const unused = vectorFiles(negativeDir, 'unused-');
  test('negative: 45 unused-* vectors', () => assert.equal(unused.length, 45));
  for (const file of unused) {
    test(`negative/${file} is rejected by validateProgram`, () => {
      const vector = parse(negativeDir, file);
      assert.equal(vector.raw?.length, 2, `${file}: expected two raw slots`);
      const problems = validateProgram(vector.raw ?? []);
      assert.ok(problems.length > 0, `${file}: validateProgram accepted it`);
      assert.ok(problems.every((d) => d.insnIdx === 0 && d.message.startsWith('insn 0')), JSON.stringify(problems));
      const field = fieldOfUnusedFile(file);
      assert.ok(problems.some((d) => d.message.includes(`${field} field is`)), `${file}: ${problems[0].message}`);
      assert.equal(runVector(vector).status, 'pass');
    });
  }

  test('negative: every invalid_* assembler vector has an expected message', () => {
    const files = vectorFiles(negativeDir, 'invalid_').filter((f) => f !== 'invalid_unknown_directive.data');
    assert.deepEqual(files, Object.keys(ASSEMBLER_ERRORS).sort());
  });
  for (const [file, expected] of Object.entries(ASSEMBLER_ERRORS)) {
    test(`negative/${file} is rejected by the assembler`, () => {
      const vector = parse(negativeDir, file);
      const error = firstError(assembleConformance(vector.asm ?? '').diagnostics);
      assert.ok(error?.span, `${file}: assembled without error`);
      assert.match(error.message, expected);
      assert.ok(vector.error === undefined || error.message.startsWith(vector.error), `-- error says "${vector.error}"`);
      assert.ok(error.span.line >= vector.asmLine, 'the position is a line of the file, inside -- asm');
      assert.equal(runVector(vector).status, 'error');
    });
  }

  test('negative/invalid_unknown_directive.data: the directive is reported, no instructions remain', () => {
    const { value, diagnostics } = parseVectorFile(readVector(negativeDir, 'invalid_unknown_directive.data'));
    assert.deepEqual(diagnostics.map((d) => [d.code, d.span?.line]), [['vector/unknown-directive', 3]]);
    assert.deepEqual(runVector(value), { status: 'skip', message: 'Test file has no BPF instructions', steps: 0, diagnostics: [] });
  });

  test('negative: empty files are skipped as upstream does', () => {
    assert.equal(runVector(parse(negativeDir, 'empty.data')).message, 'No result or error in test file');
    assert.equal(runVector(parse(negativeDir, 'empty_instructions.data')).message, 'Test file has no BPF instructions');
  });

  test('negative/incorrect_return_value_high_bits.data: wrong upper bits are caught', () => {
    const outcome = runVector(parse(negativeDir, 'incorrect_return_value_high_bits.data'));
    assert.equal(outcome.status, 'fail');
    assert.equal(outcome.expected, 9905498421827150353n);
    assert.equal(formatR0(outcome.actual ?? 0n), '0x8877665544332211');
  });

  test('negative/error.data: parsed; its rejection is the kernel verifier\'s (pointer arithmetic on r10)', () => {
    const vector = parse(negativeDir, 'error.data');
    assert.equal(vector.error, 'Invalid');
    assert.deepEqual(assembleConformance(vector.asm ?? '').value.insns.map((i) => i.code), [0x4f, 0x95]);
  });
}
