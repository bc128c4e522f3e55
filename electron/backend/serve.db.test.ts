/**
 * The till API served the way the utility process serves it (comlink over a MessagePort, the
 * host's events on the same port) against a real till: the renderer's transport end to end,
 * minus the window. What the API does is tested in till/api/.
 */
import * as Comlink from 'comlink';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TillEventMessage } from '../../contract/till-api/events';
import { type SyncView } from '../../contract/till-api/sync';
import { openTestTill, type TestTill } from '../../test/fixtures/till';
import { hostFor, lineOf } from '../../test/fixtures/till-host';
import { makeTillApi, type TillApi } from '../../till/api/handlers';
import { forwardEvents } from '../../till/host';
import { mainPortEndpoint, serveOnPort, type MainPortLike } from './serve';

/** A Node MessagePort shaped like Electron's MessagePortMain ('message' events carry { data }). */
function asMainPort(port: MessagePort): MainPortLike {
  const wrapped = new Map<(e: { data: unknown }) => void, (data: unknown) => void>();
  const port1: MainPortLike = {
    on: (event: string, listener: (e: { data: unknown }) => void) => {
      if (event !== 'message') return port.on(event, listener as () => void);
      const fn = (data: unknown): void => listener({ data });
      wrapped.set(listener, fn);
      return port.on('message', fn);
    },
    off: (_event: string, listener: (e: { data: unknown }) => void) => {
      const fn = wrapped.get(listener);
      if (fn) port.off('message', fn);
      return port;
    },
    postMessage: (message: unknown) => port.postMessage(message),
    start: () => port.start(),
    close: () => port.close(),
  };
  return port1;
}

let t: TestTill;
let api: Comlink.Remote<TillApi>;
let channel: MessageChannel;
/** Everything that arrived on the window's side, in order: events and answers. */
let received: Array<{ event: SyncView } | { answer: true }>;

beforeEach(async () => {
  t = await openTestTill();
  channel = new MessageChannel();
  const hostPromise = Promise.resolve(hostFor(t));
  serveOnPort(makeTillApi({ host: hostPromise }), asMainPort(channel.port1), {
    events: (post) => forwardEvents(hostPromise, post),
  });
  received = [];
  channel.port2.on('message', (data: unknown) => {
    const event = TillEventMessage.safeParse(data);
    received.push(event.success ? { event: event.data.tillEvent.view } : { answer: true });
  });
  api = Comlink.wrap<TillApi>(mainPortEndpoint(asMainPort(channel.port2)));
});

afterEach(async () => {
  channel.port1.close();
  channel.port2.close();
  await t.close();
});

describe('till API over a MessagePort', () => {
  it('answers over the port, typed errors included', async () => {
    const info = await api.info();
    expect(info).toMatchObject({ ok: true, data: { platform: 'electron', phase: 'ready' } });
    expect(await api.listHeld()).toMatchObject({
      ok: false,
      error: { kind: 'forbidden', message: 'Log in with your PIN first' },
    });
  });

  it('pushes the sync status at once, and the new pending count before the sale answer', async () => {
    await expect.poll(() => received.length).toBeGreaterThan(0);
    expect(received[0]).toMatchObject({ event: { enrolled: false, pendingSales: 0 } });
    expect((await api.login({ staffId: t.cashier.staffId, pin: t.cashier.pin })).ok).toBe(true);
    expect((await api.openShift({ openingFloatCents: 0 })).ok).toBe(true);
    received = [];
    const sale = await api.commitSale({
      transactionId: t.till.ids(),
      cart: { lines: [lineOf(t, 0)] },
      tenders: [{ type: 'cash', tenderedCents: 100_000_000 }],
    });
    expect(sale.ok).toBe(true);
    const answer = received.findIndex((m) => 'answer' in m);
    const pending = received.findIndex((m) => 'event' in m && m.event.pendingSales === 1);
    expect(pending).toBeGreaterThanOrEqual(0);
    expect(pending).toBeLessThan(answer);
  });

  it("stops forwarding events when the window's port closes", async () => {
    const other = new MessageChannel();
    let stopped = false;
    serveOnPort({}, asMainPort(other.port1), {
      events: () => () => {
        stopped = true;
      },
    });
    other.port2.close();
    await expect.poll(() => stopped).toBe(true);
  });
});
