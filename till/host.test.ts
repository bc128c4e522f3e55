import { describe, expect, it } from 'vitest';
import type { TillEvent, TillEventMessage } from '../contract/till-api/events';
import type { SyncView } from '../contract/till-api/sync';
import { silentLogger } from '../db/logger';
import { forwardEvents, type TillHost } from './host';

const view: SyncView = {
  enrolled: false,
  hqUrl: null,
  storeId: null,
  registerId: null,
  deviceId: null,
  online: false,
  syncing: false,
  pendingCount: 0,
  pendingSales: 0,
  lastSuccessAt: null,
  lastError: null,
  rejected: [],
  progress: null,
  ready: false,
};

/** A host whose events the test emits by hand. */
function fakeHost() {
  const listeners = new Set<(event: TillEvent) => void>();
  const host = {
    logger: silentLogger,
    subscribe: (listener: (event: TillEvent) => void) => {
      listeners.add(listener);
      listener({ type: 'sync', view });
      return () => listeners.delete(listener);
    },
  } as unknown as TillHost;
  const emit = (pendingSales: number) => {
    for (const l of listeners) l({ type: 'sync', view: { ...view, pendingSales } });
  };
  return { host, emit, listeners };
}

describe('forwardEvents', () => {
  it('sends the current state at once, then every change, until stopped', async () => {
    const { host, emit, listeners } = fakeHost();
    const sent: TillEventMessage[] = [];
    const stop = forwardEvents(Promise.resolve(host), (m) => sent.push(m));
    await Promise.resolve();
    emit(1);
    expect(sent.map((m) => m.tillEvent.view.pendingSales)).toEqual([0, 1]);
    stop();
    emit(2);
    expect(sent).toHaveLength(2);
    expect(listeners.size).toBe(0);
  });

  it('never subscribes when stopped before the host opened, nor when it failed to open', async () => {
    const { host, listeners } = fakeHost();
    const stop = forwardEvents(Promise.resolve(host), () => undefined);
    stop();
    await Promise.resolve();
    expect(listeners.size).toBe(0);
    const failed = Promise.reject(new Error('locked by another tab'));
    forwardEvents(failed, () => undefined);
    await failed.catch(() => undefined);
  });

  it('keeps going when one send fails (a port that is going away)', async () => {
    const { host, emit } = fakeHost();
    let calls = 0;
    forwardEvents(Promise.resolve(host), () => {
      calls += 1;
      throw new Error('port closed');
    });
    await Promise.resolve();
    emit(1);
    expect(calls).toBe(2);
  });
});
