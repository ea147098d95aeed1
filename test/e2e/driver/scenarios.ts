// The e2e scenarios as the driver runs them: which in-host check (by name, see
// test/e2e/host/scenarios.ts), which workspace, whether the extension comes from
// the repo or from the installed .vsix, and what to check and screenshot in the
// browser afterwards. Debug-session and deploy scenarios are future rows here.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { hoverSquiggle, problemsRow, squiggleOnLine, tokenColours, viewLine } from './ui';

export type HostFacts = Record<string, string | number | boolean>;

export interface UiContext {
  page: Page;
  facts: HostFacts;
  /** The scratch extensions dir the .vsix was installed into (installed-vsix only). */
  extensionsDir: string;
}

export interface Scenario {
  name: string;
  /** Row of HOST_SCENARIOS the extension host runs. */
  host: string;
  /** 'fixtures': a copy of test/e2e/workspace; 'empty': a folder with no eBPF file (nothing activates us early). */
  workspace: 'fixtures' | 'empty';
  /** 'repo': the extension from this checkout (development path); 'vsix': installed from the packaged .vsix. */
  extension: 'repo' | 'vsix';
  /** Browser-side checks after the in-host check passed; a screenshot is taken after them when set. */
  ui?: (ctx: UiContext) => Promise<void>;
}

async function cSquiggleUi({ page }: UiContext): Promise<void> {
  await squiggleOnLine(page, 'iph->saddr ==');
  const hover = await hoverSquiggle(page, 'iph->saddr ==', /invalid access to packet/);
  assert.match(hover, /verifier state before/, `hover over the squiggle: ${hover}`);
}

async function quickFixUi({ page, facts }: UiContext): Promise<void> {
  await viewLine(page, String(facts.check)).waitFor({ state: 'visible', timeout: 30_000 });
  const squiggles = await page.locator('.monaco-editor .squiggly-error').count();
  assert.equal(squiggles, 0, `error squiggles left after the fix "${String(facts.fix)}"`);
}

async function asmUi({ page }: UiContext): Promise<void> {
  await squiggleOnLine(page, 'r0 = *(u8 *)(r2 + 12)');
  const colours = await tokenColours(page, 'r0 = *(u8 *)(r2 + 12)');
  const comment = [...colours].find(([, text]) => text.includes('# EtherType'));
  assert.ok(comment, `the comment is not a token of its own colour: ${JSON.stringify([...colours])}`);
  const registers = [...colours].find(([, text]) => /^(r\d|u8)+$/.test(text.replace(/\s/g, '')));
  assert.ok(registers, `registers are not coloured apart from the operators: ${JSON.stringify([...colours])}`);
  assert.ok(colours.size >= 4, `expected the grammar to colour registers, numbers, punctuation and the comment apart, got ${JSON.stringify([...colours])}`);
  await problemsRow(page, 'invalid access to packet');
}

async function installedUi(ctx: UiContext): Promise<void> {
  const path = String(ctx.facts.extensionPath ?? '');
  assert.ok(path.startsWith(ctx.extensionsDir), `the extension ran from ${path}, not from the installed .vsix in ${ctx.extensionsDir}`);
  await cSquiggleUi(ctx);
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'c-squiggle', host: 'c-squiggle', workspace: 'fixtures', extension: 'repo', ui: cSquiggleUi },
  { name: 'c-quick-fix', host: 'c-quick-fix', workspace: 'fixtures', extension: 'repo', ui: quickFixUi },
  { name: 'asm-file', host: 'asm-file', workspace: 'fixtures', extension: 'repo', ui: asmUi },
  { name: 'installed-vsix', host: 'installed-vsix', workspace: 'fixtures', extension: 'vsix', ui: installedUi },
  { name: 'activation', host: 'activation', workspace: 'empty', extension: 'repo' },
];
