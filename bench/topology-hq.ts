/**
 * HQ and tills as the topology bench (bench/topology.ts) drives them: its sizes per run, admin
 * calls, enrolling a wire till, and pushing sales from many tills at once.
 */
import type { EnrollmentCodeCreated } from '../contract/admin-protocol';
import type { Hq } from '../hq/start';
import { addRegisters, type salesFor } from './sync-chain';
import { WireTill } from './wire-till';

/** How much each phase pushes (`--quick`: a smoke run, figures not comparable). */
export interface Sizes {
  salesPerStoreTill: number;
  salesPerCrowdTill: number;
  salesDuringMove: number;
  priceChanges: number;
}

export interface Run {
  log: (message: string) => void;
  sizes: Sizes;
}

export async function admin<T>(hq: Hq, method: string, path: string, body?: unknown): Promise<T> {
  const r = await fetch(`${hq.url}/admin/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${hq.adminToken}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await r.json()) as { ok: boolean; data: T; error?: { message: string } };
  if (!json.ok) throw new Error(`${path}: ${json.error?.message}`);
  return json.data;
}

export async function enrolled(hq: Hq, storeId: string, registerId: string): Promise<WireTill> {
  await addRegisters(hq.central.pools.app, storeId, [registerId]);
  const { code } = await admin<EnrollmentCodeCreated>(hq, 'POST', '/enrollment-codes', {
    storeId,
    registerId,
  });
  const till = new WireTill(hq.url);
  await till.enroll(code);
  return till;
}

export async function pushAll(
  tills: ReadonlyArray<{ till: WireTill; sales: ReturnType<typeof salesFor> }>,
  batch: number,
  durations: number[],
): Promise<number> {
  const items = tills.reduce((n, t) => n + t.sales.reduce((m, s) => m + s.lines.length, 0), 0);
  const started = performance.now();
  await Promise.all(
    tills.map(async ({ till, sales }) => {
      for (let i = 0; i < sales.length; i += batch) {
        const t0 = performance.now();
        await till.push(
          sales.slice(i, i + batch).map((payload, j) => ({
            mutationId: i + j + 1,
            type: 'sale.recorded' as const,
            payload,
          })),
        );
        durations.push(performance.now() - t0);
      }
    }),
  );
  return Math.round(items / ((performance.now() - started) / 1000));
}
