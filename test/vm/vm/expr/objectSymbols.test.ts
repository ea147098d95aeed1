// An object's names for debugger expressions, from xdp_globals.c compiled by
// clang: globals of .data, .bss and .rodata through BTF with their types and
// live values (a run changes them), enum constants, a hash map by name looked
// up by key bytes, and names that are neither.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { compileCFile, probeClang } from '../../../../src-vm/cli/clang';
import { loadObject } from '../../../../src-vm/elf/loader';
import { LinuxMachine } from '../../../../src-vm/vm/linux/linuxMachine';
import { objectSymbols } from '../../../../src-vm/vm/expr/objectSymbols';

const SOURCE = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'debug', 'xdp_globals.c');
const CLANG = !('error' in probeClang());

test('globals and maps of a compiled object, read live', (t) => {
  if (!CLANG) return t.skip('clang is not installed (apt-get install clang-19)');
  const compiled = compileCFile(SOURCE);
  assert.ok(!('error' in compiled), 'error' in compiled ? compiled.error : '');
  const object = loadObject(compiled.bytes, { name: 'xdp_globals' }).value;
  const machine = LinuxMachine.create(object).value;
  const symbols = objectSymbols(object, () => machine.maps);

  const globals = ['packets', 'total_bytes', 'port', 'label'].map((name) => symbols.global(name));
  assert.deepEqual(globals.map((g) => [g?.section, g?.typeName, g?.shape.kind]), [
    ['.data', '__u32', 'int'], ['.bss', '__u64', 'int'], ['.rodata', 'const volatile __u16', 'int'], ['.data', 'char[8]', 'array'],
  ]);
  const shape = globals[0]?.shape;
  assert.deepEqual(shape?.kind === 'int' ? [shape.type.size, shape.type.signed] : undefined, [4, false]);
  assert.deepEqual([...(globals[0]?.bytes() as Uint8Array)], [7, 0, 0, 0]);
  assert.deepEqual([...(globals[2]?.bytes() as Uint8Array)], [53, 0]);
  assert.deepEqual([...(globals[3]?.bytes() as Uint8Array)].slice(0, 3), [0x66, 0x77, 0]);

  const seen = symbols.map('seen');
  assert.deepEqual([seen?.type, seen?.keySize, seen?.valueSize, seen?.maxEntries, seen?.count()], ['hash', 4, 8, 16, 0]);
  assert.equal(seen?.lookup(new Uint8Array(4)), undefined);

  const run = machine.run(machine.program('globals_prog')!, { packet: new Uint8Array(60) });
  assert.equal(run.retName, 'XDP_PASS');
  assert.deepEqual([...(globals[0]?.bytes() as Uint8Array)], [8, 0, 0, 0], 'packets += 1 is seen');
  assert.deepEqual([...(globals[1]?.bytes() as Uint8Array)], [60, 0, 0, 0, 0, 0, 0, 0], 'total_bytes is the packet length');
  assert.equal(seen?.count(), 1);
  assert.deepEqual([...(seen?.lookup(new Uint8Array(4)) as Uint8Array)], [1, 0, 0, 0, 0, 0, 0, 0]);

  assert.equal(symbols.global('seen'), undefined, 'a map is not a global');
  assert.equal(symbols.map('packets'), undefined, 'a global is not a map');
  assert.equal(symbols.global('LICENSE'), undefined, 'the license section holds no global-data map');
  const mode = symbols.global('mode');
  assert.deepEqual([mode?.typeName, mode?.shape.kind, [...(mode?.bytes() as Uint8Array)]], ['enum mode', 'int', [5, 0, 0, 0]]);
  assert.deepEqual(symbols.constant('MODE_COUNT'), { value: 5n, type: { kind: 'int', size: 4, signed: false, name: 'unsigned int' } });
  assert.equal(symbols.constant('XDP_PASS'), undefined, 'enums the program never names are not in its BTF');
});
