// Tests for client/src/debug/launchArguments.ts: the attribute type checks,
// each problem naming its attribute, and the promise that the launch
// attributes and package.json's schema for them are the same set.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAUNCH_ATTRIBUTE_NAMES, launchArgumentProblems, type ILaunchRequestArguments } from '../../client/src/debug/launchArguments';
import { LAUNCH_PROGRAM_TYPES } from '../../src-vm/vm/linux/launchInput';

interface SchemaProperty { type?: string | string[]; description?: string; default?: unknown; enum?: string[] }
interface Debugger {
  type: string;
  configurationAttributes: { launch: { required: string[]; properties: Record<string, SchemaProperty> } };
  initialConfigurations: Record<string, unknown>[];
  configurationSnippets: { label: string; body: Record<string, unknown> }[];
}

const PKG = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { contributes: { debuggers: Debugger[] } };
const EBPF = PKG.contributes.debuggers.find((d) => d.type === 'ebpf')!;
const SCHEMA = EBPF.configurationAttributes.launch;

test('package.json: the schema lists exactly the attributes of ILaunchRequestArguments', () => {
  assert.deepEqual(Object.keys(SCHEMA.properties).sort(), [...LAUNCH_ATTRIBUTE_NAMES].sort());
  assert.deepEqual(SCHEMA.required, ['program']);
});

test('package.json: every attribute has a type, a description and a default; enums match the adapter', () => {
  for (const [name, p] of Object.entries(SCHEMA.properties)) {
    assert.ok(p.type, `${name} has a type`);
    assert.ok(p.description && p.description.length > 20, `${name} has a description`);
    assert.ok('default' in p, `${name} has a default`);
  }
  assert.deepEqual(SCHEMA.properties.programType.enum, [...LAUNCH_PROGRAM_TYPES]);
  assert.deepEqual(SCHEMA.properties.dialect.enum, ['llvm', 'conformance']);
});

test('package.json: initial configurations and snippets use only schema attributes and pass the type checks', () => {
  const bodies = [...EBPF.initialConfigurations, ...EBPF.configurationSnippets.map((s) => s.body)];
  assert.ok(EBPF.configurationSnippets.length >= 5);
  for (const body of bodies) {
    const { type, request, name, ...attributes } = body;
    assert.deepEqual([type, request, typeof name], ['ebpf', 'launch', 'string']);
    for (const key of Object.keys(attributes)) assert.ok(key in SCHEMA.properties, `${String(name)}: ${key} is in the schema`);
    // Snippet placeholders (`^"\${file}"`, `${1:…}`) stand for strings: the program's kind is all that matters here.
    const program = String(attributes.program).replace(/[\^"\\]|\$\{\d+:|\}/g, '');
    assert.deepEqual(launchArgumentProblems({ ...attributes, program } as Partial<ILaunchRequestArguments>), [], String(name));
  }
  const labels = EBPF.configurationSnippets.map((s) => s.label).join('\n');
  for (const kind of [/XDP C program on a pcap/, /TC C program on a packet/, /kprobe C program with a ctx JSON/, /input memory/, /object file/]) assert.match(labels, kind);
});

const PROBLEMS: { name: string; args: Record<string, unknown>; problems: string[] }[] = [
  { name: 'a valid C launch', args: { program: '/p/x.c', programType: 'xdp', pcap: '/p/x.pcap', packetIndex: 1, ctx: { ctx: {} }, maps: '/p/m.json', pid: 1, tgid: 1, uid: 0, gid: 0, comm: 'sh', ktimeNs: '5', budget: 10, stopOnEntry: true, clang: 'clang-19', includePaths: ['/i'], cflags: ['-DX'], trace: false }, problems: [] },
  { name: 'a valid assembly launch', args: { program: '/p/x.s', section: 'xdp', mem: 'aa', dialect: 'llvm', budget: 1, includePaths: [] }, problems: [] },
  { name: 'no program', args: {}, problems: ['program: required: the path of the program to run (.o, .c, .bpf.s or .s)'] },
  { name: 'blank program', args: { program: ' ' }, problems: ['program: required: the path of the program to run (.o, .c, .bpf.s or .s)'] },
  {
    name: 'wrong types',
    args: { program: '/p/x.o', programName: 5, programType: 6, packetFile: [], ctx: 3, maps: ['m'], pid: '1', comm: 7, ktimeNs: true, clang: 1, includePaths: 'inc', cflags: [1], trace: 'no' },
    problems: [
      'programName: must be the name of a program (function) in the object',
      'programType: must be a program type such as "xdp" or "sched_cls"',
      'packetFile: must be the path of a file of raw packet bytes',
      'ctx: must be the path of a JSON run configuration, or the configuration as an object',
      'maps: must be the path of a JSON file of map contents, or the contents as an object ({"name": [{"key": hex, "value": hex}]})',
      'pid: must be a number (a 32-bit unsigned integer)',
      'comm: must be a string (the task name bpf_get_current_comm returns)',
      'ktimeNs: must be a number of nanoseconds (or a decimal or 0x-hex string)',
      'clang: must be the path of a clang executable',
      'includePaths: must be a list of include directories',
      'cflags: must be a list of clang arguments such as ["-DDEBUG"]',
      'trace: must be true or false',
    ],
  },
  { name: 'budget not a number', args: { program: '/p/x.o', budget: '10' }, problems: ['budget: must be a number of instructions'] },
  { name: 'budget zero', args: { program: '/p/x.o', budget: 0 }, problems: ['budget: must be a positive whole number of instructions, got 0'] },
  { name: 'budget fraction', args: { program: '/p/x.s', budget: 1.5 }, problems: ['budget: must be a positive whole number of instructions, got 1.5'] },
  { name: 'packetIndex negative', args: { program: '/p/x.o', packetIndex: -1 }, problems: ['packetIndex: must be a packet number (0 for the first)'] },
  { name: 'dialect unknown', args: { program: '/p/x.s', dialect: 'gas' }, problems: ['dialect: must be "llvm" or "conformance", got "gas"'] },
  {
    name: 'Linux-context attributes on assembly (it runs in its Linux context)',
    args: { program: '/p/x.bpf.s', programType: 'xdp', maps: {}, pid: 1 },
    problems: [],
  },
  {
    name: 'mem beside Linux-context attributes on assembly',
    args: { program: '/p/x.bpf.s', packet: 'aa', mem: 'bb' },
    problems: ['mem: applies to assembly run on its memory contract; with packet, packetFile, pcap, ctx, maps or programType the program runs in its Linux context instead — give one or the other'],
  },
  { name: 'mem on C', args: { program: '/p/x.c', mem: 'aa' }, problems: ['mem: applies to assembly programs; for an object or C program give packet, packetFile, pcap or ctx'] },
];

for (const c of PROBLEMS) {
  test(`launchArgumentProblems: ${c.name}`, () => {
    assert.deepEqual(launchArgumentProblems(c.args as Partial<ILaunchRequestArguments>), c.problems);
  });
}
