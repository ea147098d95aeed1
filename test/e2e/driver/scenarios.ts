// The e2e scenarios as the driver runs them: which in-host check (by name, see
// test/e2e/host/scenarios.ts), which workspace, whether the extension comes from
// the repo or from the installed .vsix, what to prepare first (driver/prepare.ts),
// and what to check and screenshot in the browser afterwards.
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { debugLaunchJson, deployUnavailable, loopbackTestBox, type PrepareContext, type Prepared } from './prepare';
import { expandSideBarRow, hoverSquiggle, notification, outputChannelText, problemsRow, sideBarRow, squiggleOnLine, statusBarItem, tokenColours, viewLine } from './ui';

export type HostFacts = Record<string, string | number | boolean>;

export interface UiContext {
  page: Page;
  facts: HostFacts;
  /** The scratch extensions dir the .vsix was installed into (installed-vsix only). */
  extensionsDir: string;
  /** code-server's scratch user-data dir (its logs hold the output channels' text). */
  userDataDir: string;
}

export interface Scenario {
  name: string;
  /** Row of HOST_SCENARIOS the extension host runs. */
  host: string;
  /** 'fixtures': a copy of test/e2e/workspace; 'examples': a copy of examples/; 'empty': a folder with no eBPF file (nothing activates us early). */
  workspace: 'fixtures' | 'examples' | 'empty';
  /** 'repo': the extension from this checkout (development path); 'vsix': installed from the packaged .vsix. */
  extension: 'repo' | 'vsix';
  /** Browser-side checks after the in-host check passed; a screenshot is taken after them when set. */
  ui?: (ctx: UiContext) => Promise<void>;
  /** Runs before code-server starts: files in the workspace, environment, and what to undo afterwards. */
  prepare?: (ctx: PrepareContext) => Promise<Prepared>;
  /** Why the scenario cannot run on this machine (it is skipped), if it cannot. */
  unavailable?: () => string | undefined;
}

async function cSquiggleUi({ page }: UiContext): Promise<void> {
  await squiggleOnLine(page, 'iph->saddr ==');
  // The diagnostic's part shows at once; the server's hover (the register state) may follow a moment later: wait for it.
  const hover = await hoverSquiggle(page, 'iph->saddr ==', /verifier state before/);
  assert.match(hover, /invalid access to packet/, `hover over the squiggle: ${hover}`);
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

/** Stopped at the breakpoint: the debug toolbar, the frame's line marked, Run and Debug with the call stack and the registers. */
async function debugUi({ page, facts }: UiContext): Promise<void> {
  await page.locator('.debug-toolbar').first().waitFor({ state: 'visible', timeout: 30_000 });
  // The stop's column gets an inline marker, which splits the line's text: look for its start.
  await viewLine(page, String(facts.breakpointText).split(' =')[0]).waitFor({ state: 'visible', timeout: 30_000 });
  await page.locator('.monaco-editor .debug-top-stack-frame-line').first().waitFor({ state: 'attached', timeout: 30_000 });
  await page.locator('.part.sidebar', { hasText: 'Paused on breakpoint' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  await sideBarRow(page, new RegExp(`xdp_firewall\\.bpf\\.c\\s*${String(facts.breakpointLine)}:`));
  await sideBarRow(page, 'Registers');
  await sideBarRow(page, 'r10');
}

/**
 * The kernel's verdicts as users see them: both in the notifications, the kernel's statistics
 * in the eBPF Remote output channel, and the firewall with its maps under the loopback host in
 * the eBPF Remote view (expanded by a click, as a user would).
 */
async function deployUi({ page, facts, userDataDir }: UiContext): Promise<void> {
  await notification(page, /loopback \(Linux [^)]+\): xdp_firewall accepted\./);
  await notification(page, /loopback \(Linux [^)]+\): xdp_unchecked rejected\./);
  const output = outputChannelText(userDataDir, 'eBPF Remote');
  assert.match(output, /deploy \S+xdp_firewall\.bpf\.c to loopback \(.*\): loaded as xdp_firewall\n(?: {2}.*\n)*? {2}processed \d+ insns \(limit/, `eBPF Remote output:\n${output}`);
  assert.match(output, /deploy \S+xdp_unchecked\.bpf\.c to loopback .*: rejected, nothing pinned/, `eBPF Remote output:\n${output}`);
  const host = await sideBarRow(page, String(facts.host));
  assert.match(host, /Linux \d/, `the host row: ${host}`);
  await expandSideBarRow(page, String(facts.host));
  await sideBarRow(page, 'xdp_firewall');
  for (const map of String(facts.pinnedMaps).split(',')) await sideBarRow(page, map);
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
  { name: 'debug', host: 'debug', workspace: 'examples', extension: 'repo', ui: debugUi, prepare: debugLaunchJson },
  { name: 'deploy', host: 'deploy', workspace: 'examples', extension: 'repo', ui: deployUi, prepare: loopbackTestBox, unavailable: deployUnavailable },
];
