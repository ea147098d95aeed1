// Per-key debouncing for the language server: run an action once a key (a
// document URI) has been quiet for a while; a newer request for the same key
// replaces the waiting one. Timers are injectable so tests need not sleep.
// Imports nothing.

export interface Timers<H> {
  set(fn: () => void, ms: number): H;
  clear(handle: H): void;
}

type NodeTimer = ReturnType<typeof setTimeout>;

const NODE_TIMERS: Timers<NodeTimer> = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle),
};

export class KeyedDebouncer<H> {
  private readonly waiting = new Map<string, H>();

  constructor(private readonly timers: Timers<H>) {}

  /** Runs `action` after `ms` unless `schedule` or `cancel` is called for `key` before then. */
  schedule(key: string, ms: number, action: () => void): void {
    this.cancel(key);
    const handle = this.timers.set(() => {
      this.waiting.delete(key);
      action();
    }, ms);
    this.waiting.set(key, handle);
  }

  cancel(key: string): void {
    const handle = this.waiting.get(key);
    if (handle === undefined) return;
    this.timers.clear(handle);
    this.waiting.delete(key);
  }

  isWaiting(key: string): boolean {
    return this.waiting.has(key);
  }

  cancelAll(): void {
    for (const key of [...this.waiting.keys()]) this.cancel(key);
  }
}

/** A debouncer on Node's own timers. */
export function nodeDebouncer(): KeyedDebouncer<NodeTimer> {
  return new KeyedDebouncer(NODE_TIMERS);
}
