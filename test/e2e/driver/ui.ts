// What the browser sees in each scenario: squiggles on the right line, the hover
// widget with the verifier's register state, token colours from our grammar,
// rows of the side bar's views, notifications.
// Selectors are VS Code internals, pinned with code-server 4.139.1.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';

const UI_TIMEOUT_MS = 30_000;

/** The editor's rendered line whose text contains `text`. */
export function viewLine(page: Page, text: string): Locator {
  return page.locator('.monaco-editor .view-lines .view-line', { hasText: text }).first();
}

/** Waits for an error squiggle drawn on the same row as the line containing `lineText`; returns its box. */
export async function squiggleOnLine(page: Page, lineText: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const line = viewLine(page, lineText);
  await line.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  const deadline = Date.now() + UI_TIMEOUT_MS;
  // The editor re-renders its lines while it settles, so boxes are read afresh on every try.
  for (;;) {
    const lineBox = await line.boundingBox().catch(() => null);
    for (const sq of lineBox ? await page.locator('.monaco-editor .squiggly-error').all() : []) {
      const box = await sq.boundingBox().catch(() => null);
      const middle = box ? box.y + box.height / 2 : -1;
      if (box && lineBox && middle >= lineBox.y && middle <= lineBox.y + lineBox.height) return box;
    }
    if (Date.now() > deadline) throw new Error(`no error squiggle on the row of "${lineText}" (line ${lineBox ? 'on screen' : 'not on screen'})`);
    await page.waitForTimeout(200);
  }
}

/** Moves the mouse onto the squiggle of the line containing `lineText` until the hover widget shows `text`; returns the hover's text. */
export async function hoverSquiggle(page: Page, lineText: string, text: RegExp): Promise<string> {
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: text }).first();
  const deadline = Date.now() + UI_TIMEOUT_MS;
  for (let attempt = 0; ; attempt++) {
    const box = await squiggleOnLine(page, lineText);
    await page.mouse.move(box.x + Math.min(box.width / 2, 14 + 4 * attempt), box.y + box.height / 2);
    try {
      await hover.waitFor({ state: 'visible', timeout: 3_000 });
      return await hover.innerText();
    } catch {
      if (Date.now() > deadline) throw new Error(`no hover matching ${text} over the squiggle of "${lineText}"`);
      await page.mouse.move(0, 0);
    }
  }
}

/** Distinct CSS colours of the tokens of the line containing `lineText`, with the text each one paints. */
export async function tokenColours(page: Page, lineText: string): Promise<Map<string, string>> {
  const line = viewLine(page, lineText);
  await line.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  // Runs in the page: the DOM's getComputedStyle, reached through globalThis (this project's lib has no DOM types).
  const spans = await line.locator('span[class^="mtk"], span[class*=" mtk"]').evaluateAll((els) => {
    const style = (globalThis as unknown as { getComputedStyle: (el: unknown) => { color: string } }).getComputedStyle;
    return els.map((el) => [style(el).color, (el as { textContent: string | null }).textContent ?? ''] as const);
  });
  const colours = new Map<string, string>();
  // The editor paints spaces as U+00A0.
  for (const [colour, raw] of spans) {
    const text = raw.replace(/\u00a0/g, ' ');
    if (text.trim()) colours.set(colour, (colours.get(colour) ?? '') + text);
  }
  return colours;
}

/** Waits for a status bar item showing `text`; returns its text. */
export async function statusBarItem(page: Page, text: string): Promise<string> {
  const item = page.locator('.statusbar-item', { hasText: text }).first();
  await item.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  return item.innerText();
}

/** Opens the Problems panel (Ctrl+Shift+M) and waits for a row containing `text`. */
export async function problemsRow(page: Page, text: string): Promise<void> {
  await page.keyboard.press('Control+Shift+M');
  await page.locator('.markers-panel .monaco-list-row', { hasText: text }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
}

/** Waits for a row of a side bar view (tree or list: Run and Debug, eBPF Remote) containing `text`; returns the row's text. */
export async function sideBarRow(page: Page, text: string | RegExp): Promise<string> {
  const row = page.locator('.part.sidebar .monaco-list-row', { hasText: text }).first();
  await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  return row.innerText();
}

/** Clicks the side bar row containing `text` when it is collapsed, and waits until it is expanded. */
export async function expandSideBarRow(page: Page, text: string): Promise<void> {
  const row = page.locator('.part.sidebar .monaco-list-row', { hasText: text }).first();
  await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
  await page.locator('.part.sidebar .monaco-list-row[aria-expanded="true"]', { hasText: text }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
}

/** Waits for a notification matching `text`, as a toast or in the notification center; returns its text. */
export async function notification(page: Page, text: RegExp): Promise<string> {
  const item = page.locator('.notifications-toasts .notification-toast, .notifications-center .notification-list-item', { hasText: text }).first();
  await item.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  return item.innerText();
}

/** The text of output channel `name`, from the file code-server keeps it in under the user-data logs. */
export function outputChannelText(userDataDir: string, name: string): string {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name.endsWith(`-${name}.log`) || entry.name === `${name}.log`) found.push(join(dir, entry.name));
    }
  };
  walk(join(userDataDir, 'logs'));
  if (found.length !== 1) throw new Error(`expected one log file of the "${name}" output channel under ${userDataDir}/logs, found ${found.length}: ${found.join(', ')}`);
  return readFileSync(found[0], 'utf8');
}
