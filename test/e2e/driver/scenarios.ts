// The e2e scenarios as the driver runs them: which in-host check (by name, see
// test/e2e/host/scenarios.ts), which workspace, whether the extension comes from
// the repo or from the installed .vsix, and what to check and screenshot in the
// browser afterwards. Debug-session and deploy scenarios are future rows here.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { hoverSquiggle, problemsRow, squiggleOnLine, statusBarItem, tokenColours, viewLine } from './ui';

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

/** The status bar's verdict and the log beside the source, its failing load and message on screen. */
async function verifierLogUi({ page, facts }: UiContext): Promise<void> {
  await statusBarItem(page, String(facts.status));
  await viewLine(page, String(facts.sourceLine)).waitFor({ state: 'visible', timeout: 30_000 });
  await viewLine(page, 'invalid access to packet, off=26').waitFor({ state: 'visible', timeout: 30_000 });
}

/** The walkthrough's first button opens the firewall beside it (copied into the workspace), accepted in the status bar; the step is ticked. */
async function walkthroughUi({ page, facts }: UiContext): Promise<void> {
  await page.getByText('Get Started with eBPF Workbench').first().waitFor({ state: 'visible', timeout: 30_000 });
  await page.getByText('Open the XDP firewall').first().click();
  await page.locator('.monaco-workbench .tab', { hasText: 'xdp_firewall.bpf.c' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'ebpf-examples' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  const status = await statusBarItem(page, '✓ xdp_firewall:');
  assert.match(status, /✓ xdp_firewall: \d+ insns/, `status bar: ${status} (${String(facts.firewall)})`);
  await page.locator('.getting-started-step[aria-checked="true"]', { hasText: 'Open an example' }).first().waitFor({ state: 'attached', timeout: 30_000 });
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
  { name: 'verifier-log', host: 'verifier-log', workspace: 'fixtures', extension: 'repo', ui: verifierLogUi },
  { name: 'walkthrough', host: 'walkthrough', workspace: 'fixtures', extension: 'repo', ui: walkthroughUi },
];
