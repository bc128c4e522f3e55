/**
 * The BUILT backend bundle (what Electron's utilityProcess runs: dist-electron/backend.js) in a
 * Node worker thread standing in for the utility process: `process.parentPort` is emulated over
 * the worker's port, which can transfer MessagePorts like Electron's parentPort does. Proves the
 * bundle finds its migrations and PGlite outside the bundle, opens a store in a fresh directory,
 * serves the API over the port main would hand it, asks main's secret vault (the real one, with
 * a fake safeStorage) whether it may seal, and shuts down cleanly on request.
 */
import * as Comlink from 'comlink';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronTarget } from '../../vite.electron.config';
import type { TillApi } from '../../till/api/handlers';
import { mainPortEndpoint, type MainPortLike } from './serve';
import { createSecretVault } from '../main/secret-vault';
import { fakeSafeStorage, recordingLogger } from '../../test/fixtures/safe-storage';

/** Inside the worker: process.parentPort as Electron's utility process has it. */
const PARENT_PORT_SHIM = `
import { EventEmitter } from 'node:events';
import { parentPort } from 'node:worker_threads';
const asMain = (port) => ({
  on: (event, listener) => port.on(event, event === 'message' ? (data) => listener({ data, ports: [] }) : listener),
  off: () => undefined,
  postMessage: (message) => port.postMessage(message),
  start: () => port.start(),
  close: () => port.close(),
});
// Like Electron's parentPort, messages wait until the entry module listens.
const emulated = new EventEmitter();
const queued = [];
let listening = false;
emulated.on('newListener', (event) => {
  if (event !== 'message' || listening) return;
  listening = true;
  setImmediate(() => queued.splice(0).forEach((m) => emulated.emit('message', m)));
});
parentPort.on('message', (message) => {
  const event = { data: message.data, ports: message.port ? [asMain(message.port)] : [] };
  if (listening) emulated.emit('message', event);
  else queued.push(event);
});
// The backend's requests to main (the secret vault) go out on the worker's port.
emulated.postMessage = (message) => parentPort.postMessage(message);
process.parentPort = emulated;
`;

function asMainPort(port: MessagePort): MainPortLike {
  const wrapped = new Map<(e: { data: unknown }) => void, (data: unknown) => void>();
  return {
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
}

let work: string;
let bundleDir: string;
let worker: Worker;
let exited: Promise<number>;
let api: Comlink.Remote<TillApi>;
/** What the backend asked main (as main's vault saw it). */
const vaultRequests: unknown[] = [];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'edge-pos-backend-bundle-'));
  // Inside the project, so the bundle's external packages resolve from node_modules as they
  // do from an installed app's resources.
  const cache = join(process.cwd(), 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  bundleDir = await mkdtemp(join(cache, 'edge-pos-backend-'));
  const outDir = join(bundleDir, 'dist-electron');
  await build(electronTarget('node', outDir));
  const shim = join(work, 'parent-port-shim.mjs');
  await writeFile(shim, PARENT_PORT_SHIM);
  worker = new Worker(pathToFileURL(join(outDir, 'backend.js')), {
    execArgv: ['--import', pathToFileURL(shim).href],
    env: {
      ...process.env,
      EDGE_POS_STORE_DIR: join(work, 'store'),
      EDGE_POS_LOG_FILE: join(work, 'logs', 'backend.log'),
      EDGE_POS_TEMPLATE_DIR: join(work, 'templates'),
    },
  });
  exited = new Promise((resolve) => worker.once('exit', resolve));
  // Main's side: the backend's messages are answered by the vault, as backend-process.ts does.
  const vault = createSecretVault({
    safeStorage: fakeSafeStorage(),
    platform: 'linux',
    logger: recordingLogger(),
  });
  worker.on('message', (message: unknown) => {
    vaultRequests.push(message);
    void vault.handle(message).then((reply) => reply && worker.postMessage({ data: reply }));
  });
  const channel = new MessageChannel();
  worker.postMessage({ data: { type: 'connect' }, port: channel.port1 }, [channel.port1]);
  api = Comlink.wrap<TillApi>(mainPortEndpoint(asMainPort(channel.port2)));
});

afterAll(async () => {
  await worker?.terminate();
  if (work) await rm(work, { recursive: true, force: true });
  if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
});

describe('the bundled backend (utility process entry)', () => {
  it('creates the store, sets up the demo store and sells through the API', async () => {
    const first = await api.info();
    expect(first).toMatchObject({ ok: true, data: { platform: 'electron', phase: 'setup' } });
    const store = await api.setupDemo();
    expect(store).toMatchObject({ ok: true, data: { storeId: 'seattle', registerId: 'R01' } });
    const staff = await api.staffList();
    const manager = staff.ok ? staff.data.find((s) => s.role === 'manager') : undefined;
    expect(manager?.displayName).toBe('Morgan Lee');
    expect((await api.login({ staffId: manager!.staffId, pin: '246810' })).ok).toBe(true);
    expect((await api.openShift({ openingFloatCents: 5_000 })).ok).toBe(true);
    const search = await api.search({ query: 'running shoes', limit: 3 });
    if (!search.ok) throw new Error(search.error.message);
    const hit = search.data.hits[0];
    if (!hit) throw new Error('no search hit');
    // A word match says nothing about internal signals to the cashier; only codes explain.
    expect(hit.matchedBy).toEqual([]);
    expect(search.data.noMatch).toBeNull();
    const cash = await api.commitSale({
      transactionId: '0190a0a0-0000-7000-8000-0000000000ab',
      cart: {
        lines: [
          {
            productId: hit.productId,
            sku: hit.sku,
            productName: hit.productName,
            categoryId: hit.categoryId,
            unitPriceCents: hit.priceCents,
            quantity: 1,
          },
        ],
      },
      tenders: [{ type: 'cash', tenderedCents: hit.priceCents * 2 }],
    });
    if (!cash.ok) throw new Error(cash.error.message);
    expect(cash.data.receipt.receiptNumber).toBe('SEATTLE-R01-000001');
    expect(cash.data.changeCents).toBe(hit.priceCents * 2 - cash.data.receipt.totalCents);
    const status = await api.syncStatus();
    expect(status).toMatchObject({ ok: true, data: { enrolled: false, online: false } });
    expect(status.ok && status.data.pendingSales).toBe(1);
    // The store opened after asking main whether secrets can be sealed (they can, here).
    expect(vaultRequests).toEqual([{ type: 'vault', id: 1, op: 'status' }]);
  });

  it('closes the store cleanly and exits when main asks it to shut down', async () => {
    worker.postMessage({ data: { type: 'shutdown' } });
    expect(await exited).toBe(0);
  });
});
