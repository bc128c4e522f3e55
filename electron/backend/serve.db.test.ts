/**
 * The POS API served the way the utility process serves it (comlink over a MessagePort), against
 * a real till database: the renderer's contract end to end, minus the window.
 */
import * as Comlink from 'comlink';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../db/logger';
import { openTestTill, type TestTill } from '../../test/fixtures/till';
import { tillSyncClient } from '../../till/sync';
import { clientSyncPort } from '../../till/sync-port';
import { makePosApi, type PosApi, type PosHost } from '../../till/api/handlers';
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
let api: Comlink.Remote<PosApi>;
let channel: MessageChannel;

beforeEach(async () => {
  t = await openTestTill();
  const host: PosHost = {
    platform: 'electron',
    db: t.store.db,
    journal: t.store.journal,
    // A till that was never enrolled: the real sync client, not started (nothing to reach).
    sync: clientSyncPort(tillSyncClient(t.store)),
    logger: silentLogger,
    clock: t.till.clock,
    ids: t.till.ids,
    onStoreReady: () => undefined,
  };
  channel = new MessageChannel();
  serveOnPort(makePosApi({ host: Promise.resolve(host) }), asMainPort(channel.port1));
  api = Comlink.wrap<PosApi>(mainPortEndpoint(asMainPort(channel.port2)));
});

afterEach(async () => {
  channel.port1.close();
  channel.port2.close();
  await t.close();
});

const product = (i: number) => {
  const p = t.catalog.filter((x) => x.isActive)[i];
  if (!p?.barcode) throw new Error('no product');
  return p as typeof p & { barcode: string };
};

describe('POS API over a MessagePort', () => {
  it('refuses work before login and after five wrong PINs, with clear messages', async () => {
    const info = await api.info();
    expect(info.ok && info.data.phase).toBe('ready');
    const before = await api.commitSale({
      transactionId: t.till.ids(),
      cart: { lines: [] },
      tenders: [{ type: 'cash', tenderedCents: 100 }],
    });
    expect(before).toMatchObject({
      ok: false,
      error: { kind: 'forbidden', message: 'Log in with your PIN first' },
    });
    for (let i = 0; i < 4; i++) expect((await api.login({ pin: '0000' })).ok).toBe(false);
    const fifth = await api.login({ pin: '0000' });
    expect(fifth).toMatchObject({ ok: false, error: { kind: 'forbidden' } });
    expect(!fifth.ok && fifth.error.message).toMatch(/Too many wrong PINs/);
    const locked = await api.login({ pin: t.cashier.pin });
    expect(!locked.ok && locked.error.message).toMatch(/Locked/);
  });

  it('rejects malformed input at the boundary without touching the database', async () => {
    expect(await api.login({ pin: 1234 as unknown as string })).toMatchObject({
      ok: false,
      error: { kind: 'validation' },
    });
    expect((await api.login({ pin: t.cashier.pin })).ok).toBe(true);
    expect(await api.scan({ code: 'x'.repeat(5_000) })).toMatchObject({
      ok: false,
      error: { kind: 'not_found' },
    });
    expect(await api.scan({ code: 'x'.repeat(20_000) })).toMatchObject({
      ok: false,
      error: { kind: 'validation' },
    });
    expect(await api.scan({ code: '9999999999999' })).toMatchObject({
      ok: false,
      error: { kind: 'not_found', message: 'No product has the code 9999999999999' },
    });
    expect(await api.enroll({ hqUrl: 'not a url', code: 'ABCD-1234' })).toMatchObject({
      ok: false,
      error: { kind: 'validation' },
    });
    const search = await api.search({ query: `${'shoe '.repeat(1_000)}'&|!:*` });
    expect(search.ok).toBe(true);
  });

  it('sells, reprints, returns and closes the shift with a Z report that matches', async () => {
    expect((await api.login({ pin: t.cashier.pin })).ok).toBe(true);
    expect((await api.openShift({ openingFloatCents: 10_000 })).ok).toBe(true);
    const scanned = await api.scan({ code: product(0).barcode });
    if (!scanned.ok) throw new Error(scanned.error.message);
    const line = {
      productId: scanned.data.productId,
      sku: scanned.data.sku,
      productName: scanned.data.productName,
      categoryId: scanned.data.categoryId,
      unitPriceCents: scanned.data.priceCents,
      quantity: 2,
    };
    const transactionId = t.till.ids();
    const sale = await api.commitSale({
      transactionId,
      cart: { lines: [line] },
      tenders: [{ type: 'cash', tenderedCents: 1_000_000 }],
    });
    if (!sale.ok) throw new Error(sale.error.message);
    expect(sale.data.changeCents).toBe(1_000_000 - sale.data.receipt.totalCents);
    // A retry with the same transaction ID returns the first receipt instead of selling twice.
    const retry = await api.commitSale({
      transactionId,
      cart: { lines: [line] },
      tenders: [{ type: 'cash', tenderedCents: 1_000_000 }],
    });
    expect(retry.ok && retry.data.duplicate).toBe(true);

    const reprint = await api.receipt({
      receiptNumber: sale.data.receipt.receiptNumber.toLowerCase(),
    });
    expect(reprint.ok && reprint.data.totalCents).toBe(sale.data.receipt.totalCents);

    const returnable = await api.returnableLines({
      receiptNumber: sale.data.receipt.receiptNumber,
    });
    if (!returnable.ok) throw new Error(returnable.error.message);
    const item = returnable.data.lines[0];
    if (!item) throw new Error('no line');
    const returnLines = [
      { originalItemId: item.itemId, quantity: 1, reason: 'Defective', restock: false },
    ];
    const quote = await api.quoteReturn({
      originalReceiptNumber: sale.data.receipt.receiptNumber,
      lines: returnLines,
    });
    if (!quote.ok) throw new Error(quote.error.message);
    const refund = await api.commitReturn({
      transactionId: t.till.ids(),
      originalReceiptNumber: sale.data.receipt.receiptNumber,
      lines: returnLines,
      tenders: quote.data.defaultTenders,
    });
    if (!refund.ok) throw new Error(refund.error.message);
    expect(refund.data.receipt.totalCents).toBe(quote.data.totalCents);

    const byCashier = await api.closeShift({ countedCashCents: 0 });
    expect(byCashier).toMatchObject({ ok: false, error: { kind: 'approval_required' } });
    const z = await api.closeShift({
      countedCashCents: 10_000 + sale.data.receipt.totalCents + refund.data.receipt.totalCents,
      managerPin: t.manager.pin,
    });
    if (!z.ok) throw new Error(z.error.message);
    expect(z.data).toMatchObject({
      salesCount: 1,
      returnsCount: 1,
      netCents: sale.data.receipt.totalCents + refund.data.receipt.totalCents,
      overShortCents: 0,
    });
    const status = await api.syncStatus();
    expect(status.ok && status.data.pendingSales).toBe(2);
  });
});
