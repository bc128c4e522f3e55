/**
 * The till API: everything the cashier's screens can ask of the till, as ONE typed handler map
 * merged from the areas (setup, session, catalog, sale, returns, receipts, printing, holds, customers,
 * shift, sync), each handler written with the declarative wrapper in define.ts.
 *
 * The same object is served by Electron's utility process (Node, PGlite on disk) and by the
 * browser's Web Worker (PGlite in IndexedDB), each through comlink over a MessagePort; the
 * renderer imports only the TYPE `TillApi` derived from it, so the contract cannot drift.
 *
 * Contract of every method:
 * - takes at most one plain object (structured-clone safe), validated once, at this boundary,
 *   with its schema from contract/till-api/<area>.ts (`<Area>Input`); what it answers is typed
 *   there too;
 * - resolves to `{ ok: true, data } | { ok: false, error: { kind, message } }` and never
 *   rejects for a business error (comlink would otherwise lose the error's kind);
 * - acts as the staff member logged in on THIS connection (one API object per window or tab):
 *   the renderer never names the cashier of a sale, the host knows who logged in.
 */
import type { TillHost } from '../host';
import { catalogHandlers } from './catalog';
import { customerHandlers } from './customers';
import { bind, connect, type Handler } from './define';
import { holdHandlers } from './holds';
import { printingHandlers } from './printing';
import { receiptHandlers } from './receipts';
import { returnsHandlers } from './returns';
import { saleHandlers } from './sale';
import { sessionHandlers } from './session';
import { setupHandlers } from './setup';
import { shiftHandlers } from './shift';
import { syncHandlers } from './sync';

type Areas = [
  typeof setupHandlers,
  typeof sessionHandlers,
  typeof catalogHandlers,
  typeof saleHandlers,
  typeof returnsHandlers,
  typeof receiptHandlers,
  typeof printingHandlers,
  typeof holdHandlers,
  typeof customerHandlers,
  typeof shiftHandlers,
  typeof syncHandlers,
];
type Merged<A extends unknown[]> = A extends [infer First, ...infer Rest]
  ? First & Merged<Rest>
  : unknown;

/** One map; a method name used by two areas is a programming error, caught at load. */
function merge<A extends Array<Record<string, Handler<unknown, unknown>>>>(...areas: A): Merged<A> {
  const all: Record<string, Handler<unknown, unknown>> = {};
  for (const area of areas) {
    for (const [name, handler] of Object.entries(area)) {
      if (name in all) throw new Error(`till API: two areas define "${name}"`);
      all[name] = handler;
    }
  }
  return all as Merged<A>;
}

export const tillHandlers = merge<Areas>(
  setupHandlers,
  sessionHandlers,
  catalogHandlers,
  saleHandlers,
  returnsHandlers,
  receiptHandlers,
  printingHandlers,
  holdHandlers,
  customerHandlers,
  shiftHandlers,
  syncHandlers,
);

/** One API object per connection (window or tab): its own login session. */
export function makeTillApi(options: { host: Promise<TillHost> }) {
  // A failed open is reported by every call (e.g. "open in another tab"); never unhandled.
  options.host.catch(() => undefined);
  return bind(tillHandlers, connect(options.host));
}

/** The contract the renderer talks to (import as a type only). */
export type TillApi = ReturnType<typeof makeTillApi>;
