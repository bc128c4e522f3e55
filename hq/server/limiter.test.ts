import { describe, expect, it } from 'vitest';
import { HqError } from '../services/errors';
import { limiter } from './limiter';

/** A task that runs until released, recording when it started. */
function gate(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return {
    release: () => release(),
    run: async () => {
      log.push(name);
      await done;
      return name;
    },
  };
}

describe('push admission', () => {
  it('runs `max` at once, queues in order, refuses beyond the queue with overloaded', async () => {
    const limit = limiter(2, 1);
    const started: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => gate(started, n)) as [
      ReturnType<typeof gate>,
      ReturnType<typeof gate>,
      ReturnType<typeof gate>,
      ReturnType<typeof gate>,
    ];
    const runA = limit(a.run);
    const runB = limit(b.run);
    const runC = limit(c.run);
    await Promise.resolve();
    expect(started).toEqual(['a', 'b']);
    const refused = await limit(d.run).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HqError);
    expect(refused).toMatchObject({ kind: 'overloaded', retryAfterS: 1 });
    a.release();
    expect(await runA).toBe('a');
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['a', 'b', 'c']);
    b.release();
    c.release();
    expect(await Promise.all([runB, runC])).toEqual(['b', 'c']);
    // Everything released: a new task runs at once.
    const e = gate(started, 'e');
    const runE = limit(e.run);
    await Promise.resolve();
    expect(started.at(-1)).toBe('e');
    e.release();
    await runE;
  });

  it('frees its slot when a task fails', async () => {
    const limit = limiter(1, 0);
    await expect(limit(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit(() => Promise.resolve(7))).toBe(7);
  });

  it('refuses limits that would admit nothing', () => {
    expect(() => limiter(0, 64)).toThrow(RangeError);
    expect(() => limiter(6, -1)).toThrow(RangeError);
    expect(() => limiter(1.5, 1)).toThrow(RangeError);
  });
});
