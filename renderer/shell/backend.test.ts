import { describe, expect, it } from 'vitest';
import type { SyncView } from '../../contract/till-api/sync';
import type { TillEvent } from '../../contract/till-api/events';
import { listenForEvents, type MessageSource } from './backend';

const view: SyncView = {
  enrolled: true,
  hqUrl: 'http://hq.example',
  storeId: 'seattle',
  registerId: 'R01',
  deviceId: 'device-1',
  online: true,
  syncing: false,
  pendingCount: 0,
  pendingSales: 0,
  lastSuccessAt: null,
  lastError: null,
  rejected: [],
  progress: null,
  ready: true,
};

/** A port or worker whose messages the test delivers by hand. */
function fakeSource() {
  const listeners: Array<(event: MessageEvent) => void> = [];
  const source: MessageSource = {
    addEventListener: (_type, listener) => listeners.push(listener),
  };
  const deliver = (data: unknown) => {
    for (const l of listeners) l({ data } as MessageEvent);
  };
  return { source, deliver };
}

describe('listenForEvents (the page end of the host events)', () => {
  it('keeps the latest sync status and tells every subscriber, until it unsubscribes', () => {
    const { source, deliver } = fakeSource();
    const events = listenForEvents(source);
    expect(events.sync()).toBeNull();
    const heard: TillEvent[] = [];
    const stop = events.subscribe((e) => heard.push(e));
    deliver({ tillEvent: { type: 'sync', view } });
    deliver({ tillEvent: { type: 'sync', view: { ...view, pendingSales: 2 } } });
    expect(events.sync()?.pendingSales).toBe(2);
    stop();
    deliver({ tillEvent: { type: 'sync', view: { ...view, pendingSales: 3 } } });
    expect(heard.map((e) => e.view.pendingSales)).toEqual([0, 2]);
    // A reader that comes late still gets the latest status.
    expect(events.sync()?.pendingSales).toBe(3);
  });

  it("ignores the API's own answers and anything that is not a well-formed event", () => {
    const { source, deliver } = fakeSource();
    const events = listenForEvents(source);
    const heard: TillEvent[] = [];
    events.subscribe((e) => heard.push(e));
    deliver({ id: 'comlink-1', type: 'HANDLER', value: {} });
    deliver(null);
    deliver('text');
    deliver({ tillEvent: { type: 'sync', view: { ...view, pendingSales: 'two' } } });
    deliver({ tillEvent: { type: 'reboot' } });
    expect(heard).toEqual([]);
    expect(events.sync()).toBeNull();
  });
});
