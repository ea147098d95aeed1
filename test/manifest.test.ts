// The extension manifest (package.json) against the code: every command has a
// title and the eBPF category and is registered somewhere (client table or the
// language server), every registered command is contributed, menus, key
// bindings and walkthrough steps name real commands, files and context keys,
// activation stays on eBPF files, eBPF debug sessions and our commands, and
// every `ebpf.*` setting has a description and a default.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Command { command: string; title?: string; category?: string; icon?: string }
interface MenuItem { command?: string; when?: string; group?: string }
interface Keybinding { command: string; key: string; when?: string }
interface Step { id: string; title: string; description: string; media: { markdown?: string; image?: string }; completionEvents?: string[] }
interface Walkthrough { id: string; title: string; description: string; steps: Step[] }
interface Setting { default?: unknown; description?: string; markdownDescription?: string }
interface Manifest {
  name: string;
  publisher: string;
  engines: { vscode: string };
  activationEvents: string[];
  contributes: {
    commands: Command[];
    menus: Record<string, MenuItem[]>;
    keybindings?: Keybinding[];
    walkthroughs?: Walkthrough[];
    configuration: { properties: Record<string, Setting> };
    languages: { id: string }[];
    grammars: { language?: string; path: string }[];
  };
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const contributed = new Set(pkg.contributes.commands.map((c) => c.command));

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourcesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const CLIENT = sourcesUnder(join(ROOT, 'client', 'src')).map((f) => readFileSync(f, 'utf8')).join('\n');
const SERVER = sourcesUnder(join(ROOT, 'server', 'src')).map((f) => readFileSync(f, 'utf8')).join('\n');

/** Commands the client registers: keys of its command tables and literal registerCommand ids. */
const registered = new Set([
  ...[...CLIENT.matchAll(/^\s*'(ebpf\.[\w.]+)':/gm)].map((m) => m[1]),
  ...[...CLIENT.matchAll(/registerCommand\(\s*'(ebpf\.[\w.]+)'/g)].map((m) => m[1]),
]);
/** Commands the language server runs (the language client registers them). */
const serverCommands = new Set([...SERVER.matchAll(/_COMMAND = '(ebpf\.[\w.]+)'/g)].map((m) => m[1]));

/** Context keys our `when` clauses read, besides VS Code's own. */
function ourContextKeys(when: string): string[] {
  return [...when.matchAll(/\b(ebpf\.[\w.]+)/g)].map((m) => m[1]);
}

/** `command:id` links in a markdown text. */
function commandLinks(text: string): string[] {
  return [...text.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]);
}

describe('package.json commands', () => {
  it('every command has a title and the eBPF category, and no id twice', () => {
    const bad = pkg.contributes.commands.filter((c) => !c.title || c.category !== 'eBPF').map((c) => c.command);
    assert.deepEqual(bad, []);
    assert.equal(contributed.size, pkg.contributes.commands.length);
  });

  it('every contributed command is registered by the client or run by the language server', () => {
    const unregistered = [...contributed].filter((id) => !registered.has(id) && !serverCommands.has(id));
    assert.deepEqual(unregistered, []);
  });

  it('every command the client registers is contributed (so it has a title in the palette)', () => {
    assert.deepEqual([...registered].filter((id) => !contributed.has(id)), []);
  });

  it('menus and key bindings name contributed commands and context keys the client sets', () => {
    const items = [...Object.values(pkg.contributes.menus).flat(), ...(pkg.contributes.keybindings ?? [])];
    assert.deepEqual(items.filter((m) => m.command !== undefined && !contributed.has(m.command)).map((m) => m.command), []);
    const keys = new Set(items.flatMap((m) => ourContextKeys(m.when ?? '')));
    const unset = [...keys].filter((k) => !CLIENT.includes(`'${k}'`));
    assert.deepEqual(unset, [], 'context keys read by `when` but set nowhere in client/src');
  });

  it('editor commands show only for eBPF editors; the title bar has the log, the palette hides what needs an eBPF editor elsewhere', () => {
    const title = pkg.contributes.menus['editor/title'] ?? [];
    assert.ok(title.some((m) => m.command === 'ebpf.showVerifierLog' && m.group?.startsWith('navigation')));
    for (const m of title) assert.match(m.when ?? '', /ebpf\.activeEditorIsEbpf/, `${m.command} in editor/title`);
    const palette = new Map((pkg.contributes.menus.commandPalette ?? []).map((m) => [m.command, m.when]));
    assert.match(palette.get('ebpf.verify') ?? '', /ebpf\.activeEditorIsEbpf/);
    assert.match(palette.get('ebpf.showVerifierLog') ?? '', /ebpf\.activeEditorIsEbpf/);
  });

  it('key bindings for verify and the log, only in eBPF editors', () => {
    const keys = new Map((pkg.contributes.keybindings ?? []).map((k) => [k.command, k]));
    assert.equal(keys.get('ebpf.verify')?.key, 'ctrl+alt+v');
    assert.equal(keys.get('ebpf.showVerifierLog')?.key, 'ctrl+shift+alt+v');
    for (const k of keys.values()) assert.match(k.when ?? '', /ebpf\.activeEditorIsEbpf/);
  });
});

describe('activation', () => {
  it('only on eBPF files, eBPF debug sessions, our views and commands (implicit for contributed commands since VS Code 1.74)', () => {
    const allowed = [/^onLanguage:(ebpf-asm|c)$/, /^workspaceContains:\*\*\/\*\.bpf\.c$/, /^onView:ebpf\./, /^onDebugResolve:ebpf$/, /^onCommand:ebpf\./, /^onWalkthrough:ebpf\./];
    assert.deepEqual(pkg.activationEvents.filter((e) => !allowed.some((re) => re.test(e))), []);
    assert.ok(pkg.activationEvents.includes('onDebugResolve:ebpf'));
    const [major, minor] = pkg.engines.vscode.replace(/^[\^~>=]+/, '').split('.').map(Number);
    assert.ok(major > 1 || minor >= 74, `engines.vscode ${pkg.engines.vscode} predates implicit onCommand activation`);
  });
});

describe('walkthrough', () => {
  const walkthroughs = pkg.contributes.walkthroughs ?? [];
  const vscodeignore = readFileSync(join(ROOT, '.vscodeignore'), 'utf8');

  it('one walkthrough, from an example to a squiggle, the log, a debug session and a deploy', () => {
    assert.equal(walkthroughs.length, 1);
    assert.equal(`${pkg.publisher}.${pkg.name}#${walkthroughs[0].id}`, 'ebpf-workbench.ebpf-workbench#ebpf.gettingStarted');
    assert.ok(CLIENT.includes("'ebpf-workbench.ebpf-workbench#ebpf.gettingStarted'"), 'the Get Started command opens it by this id');
    assert.deepEqual(walkthroughs[0].steps.map((s) => s.id), ['openExample', 'seeSquiggle', 'verifierLog', 'debug', 'deploy']);
  });

  for (const step of walkthroughs.flatMap((w) => w.steps)) {
    it(`step ${step.id}: its page exists and ships, its links and completion events are real`, () => {
      const page = step.media.markdown;
      assert.ok(page && existsSync(join(ROOT, page)), `${step.id}: media ${page}`);
      assert.ok(page.startsWith('docs/walkthrough/') && vscodeignore.includes('!docs/walkthrough/**'), `${page} is not in the .vsix`);
      const links = commandLinks(step.description);
      assert.ok(links.length > 0, `${step.id} has no command link`);
      assert.deepEqual(links.filter((id) => !contributed.has(id) && !id.startsWith('workbench.')), []);
      const events = step.completionEvents ?? [];
      assert.ok(events.length > 0, `${step.id} has no completion event`);
      for (const e of events) {
        const [kind, arg] = [e.slice(0, e.indexOf(':')), e.slice(e.indexOf(':') + 1)];
        if (kind === 'onCommand') assert.ok(contributed.has(arg), `${e}: no such command`);
        else if (kind === 'onContext') assert.ok(CLIENT.includes(`'${arg}'`), `${e}: the client never sets it`);
        else assert.fail(`${e}: unexpected completion event`);
      }
    });
  }
});

describe('settings and languages', () => {
  it('every ebpf.* setting has a description and a default', () => {
    const props = pkg.contributes.configuration.properties;
    const bad = Object.entries(props).filter(([, s]) => !(s.description || s.markdownDescription) || s.default === undefined).map(([k]) => k);
    assert.deepEqual(bad, []);
    assert.deepEqual(Object.keys(props).filter((k) => !k.startsWith('ebpf.')), []);
  });

  it('the verifier log has a language and a grammar that exist', () => {
    assert.ok(pkg.contributes.languages.some((l) => l.id === 'ebpf-verifier-log'));
    for (const g of pkg.contributes.grammars) assert.ok(existsSync(join(ROOT, g.path)), g.path);
    assert.ok(pkg.contributes.grammars.some((g) => g.language === 'ebpf-verifier-log'));
  });
});
