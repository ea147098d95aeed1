// KeyedDebouncer on fake timers: one run per quiet period and key, a newer
// request replaces the waiting one, cancel drops it, keys are independent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedDebouncer, type Timers } from '../../server/src/debounce';

/** Timers that only fire when the test advances the clock. */
class FakeTimers implements Timers<number> {
  now = 0;
  private nextId = 1;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  set(fn: () => void, ms: number): number {
    const id = this.nextId++;
    this.due.set(id, { at: this.now + ms, fn });
    return id;
  }
  clear(id: number): void {
    this.due.delete(id);
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [id, t] of [...this.due].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at > this.now) continue;
      this.due.delete(id);
      t.fn();
    }
  }
}

test('runs once after the delay, with the last action', () => {
  const timers = new FakeTimers();
  const d = new KeyedDebouncer(timers);
  const ran: string[] = [];
  d.schedule('a', 200, () => ran.push('first'));
  timers.advance(150);
  d.schedule('a', 200, () => ran.push('second'));
  timers.advance(150);
  assert.deepEqual(ran, []);
  assert.equal(d.isWaiting('a'), true);
  timers.advance(50);
  assert.deepEqual(ran, ['second']);
  assert.equal(d.isWaiting('a'), false);
});

test('cancel drops the waiting action; keys are independent', () => {
  const timers = new FakeTimers();
  const d = new KeyedDebouncer(timers);
  const ran: string[] = [];
  d.schedule('a', 100, () => ran.push('a'));
  d.schedule('b', 100, () => ran.push('b'));
  d.cancel('a');
  timers.advance(100);
  assert.deepEqual(ran, ['b']);
});

test('cancelAll drops everything; a zero delay still waits for the timer', () => {
  const timers = new FakeTimers();
  const d = new KeyedDebouncer(timers);
  const ran: string[] = [];
  d.schedule('a', 0, () => ran.push('a'));
  assert.equal(ran.length, 0);
  d.schedule('b', 10, () => ran.push('b'));
  d.cancelAll();
  timers.advance(100);
  assert.deepEqual(ran, []);
  assert.equal(d.isWaiting('a') || d.isWaiting('b'), false);
});
