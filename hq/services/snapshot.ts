/**
 * Snapshots: a store's whole synced catalog, page by page in key order, for a new till (first
 * sync) or one whose cursor cannot be continued (resync).
 *
 * The store's change number when the snapshot starts (feed_state.last_seq, read in the first
 * page's snapshot) travels in the token. Every change numbered up to it had committed then, so
 * each later page sees its effects; every change not visible then commits later and is
 * numbered above it (db/central/feed-log.ts), where the till's feed continues when the
 * snapshot is done. A row changed or deleted while the download runs is therefore corrected by
 * the feed right after it; nothing can fall between.
 *
 * The token holds the position (stage and last key), so a download killed midway resumes
 * where it stopped. It holds no store: the store is the credential's.
 *
 * Starting a snapshot (token null) answers an administrator's resync request and makes sure
 * the store has a feed to continue from afterwards.
 */
import type pg from 'pg';
import { z } from 'zod';
import { withTenant, type TenantTx } from '../../db/central/tenant';
import type { SnapshotRequest } from '../../contract/sync-protocol/snapshot';
import type { DeviceCredential } from './credentials';
import { clearResyncRequest } from './devices/sync-state';
import { verifyDevice, type TillVersion } from './devices/verify';
import { ENTITY_SPECS, changesJson, countSql, rowsAfterSql } from './entities';
import { conflict, resyncRequired } from './errors';
import { ensureFeedState, formatCursor, readFeedState, type FeedState } from './feed';

export const DEFAULT_SNAPSHOT_ROWS = 2_000;
/** Embeddings are ~3 KB each as JSON: smaller pages keep responses near 3 MB. */
const EMBEDDING_PAGE_ROWS = 1_000;

const TokenBody = z.object({
  // 2: `h` is the store's change number (1 held a transaction-ID horizon).
  v: z.literal(2),
  e: z.string().uuid(),
  // The store's change number; zod's int() admits safe integers only, so it never fails a
  // bigint cast or loses digits.
  h: z.number().int().nonnegative(),
  i: z.number().int().min(0).max(ENTITY_SPECS.length),
  a: z.string().max(200).nullable(),
  d: z.number().int().nonnegative(),
  t: z.number().int().nonnegative(),
});
type TokenBody = z.infer<typeof TokenBody>;

export function encodeToken(body: TokenBody): string {
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

export function decodeToken(token: string): TokenBody | undefined {
  try {
    const parsed = TokenBody.safeParse(
      JSON.parse(Buffer.from(token, 'base64url').toString('utf8')),
    );
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A new snapshot position: the feed continues after the change number this snapshot sees. */
export async function startSnapshot(tx: TenantTx, state: FeedState): Promise<TokenBody> {
  let total = 0;
  for (const spec of ENTITY_SPECS) {
    const { rows } = await tx.query<{ n: number }>(countSql(spec), [tx.storeId]);
    total += Number(rows[0]?.n ?? 0);
  }
  return { v: 2, e: state.epoch, h: state.lastSeq, i: 0, a: null, d: 0, t: total };
}

export function resumeSnapshot(state: FeedState, token: string): TokenBody {
  const body = decodeToken(token);
  const spec = body ? ENTITY_SPECS[body.i] : undefined;
  // The last key must be a key of the token's stage (or absent): a forged token must not reach
  // the key's cast in SQL.
  if (!body || (body.a !== null && !spec?.isKey(body.a))) {
    throw resyncRequired('The snapshot token is not one HQ issued: start again.');
  }
  if (body.e !== state.epoch) {
    throw resyncRequired("HQ's change feed was reset during the download: start again.");
  }
  if (body.h > state.lastSeq) {
    throw resyncRequired(
      'The download is ahead of HQ (was HQ restored from a backup?): start again.',
    );
  }
  if (body.h < state.prunedSeq) {
    throw resyncRequired('The download took longer than HQ keeps its change feed: start again.');
  }
  return body;
}

export interface SnapshotPageText {
  /** The `data` of a SnapshotPage, as JSON text. */
  json: string;
  rows: number;
  done: boolean;
}

/** Up to `limit` rows after the token's position (read in one snapshot transaction). */
export async function readSnapshotPage(
  tx: TenantTx,
  position: TokenBody,
  limit: number,
): Promise<SnapshotPageText> {
  const parts = new Map<(typeof ENTITY_SPECS)[number]['field'], string>();
  let { i, a } = position;
  let rows = 0;
  let stage = ENTITY_SPECS[Math.min(i, ENTITY_SPECS.length - 1)]!.field as string;
  while (i < ENTITY_SPECS.length && rows < limit) {
    const spec = ENTITY_SPECS[i]!;
    stage = spec.field;
    const budget = Math.min(
      limit - rows,
      spec.entity === 'embedding' ? EMBEDDING_PAGE_ROWS : limit,
    );
    const { rows: result } = await tx.query<{ json: string; n: number; last: string | null }>(
      rowsAfterSql(spec, a === null),
      [tx.storeId, a, budget],
    );
    const page = result[0];
    const n = Number(page?.n ?? 0);
    if (n > 0) parts.set(spec.field, page!.json);
    rows += n;
    if (n < budget) {
      i += 1;
      a = null;
    } else {
      a = page!.last;
      break;
    }
  }
  const done = i >= ENTITY_SPECS.length;
  const next: TokenBody = { ...position, i, a, d: position.d + rows };
  const total = Math.max(next.t, next.d);
  const cursor = done ? formatCursor({ epoch: position.e, seq: position.h }) : null;
  const json =
    `{"token":${JSON.stringify(encodeToken(next))},"changes":${changesJson(parts)},` +
    `"rows":${rows},"progress":${JSON.stringify({ stage: done ? 'done' : stage, done: next.d, total })},` +
    `"done":${done},"cursor":${cursor === null ? 'null' : JSON.stringify(cursor)}}`;
  return { json, rows, done };
}

/** One snapshot page for a device: the `data` of a SnapshotPage, as JSON text. */
export async function snapshotPage(
  app: pg.Pool,
  options: {
    credential: DeviceCredential;
    request: SnapshotRequest;
    pending: number | undefined;
    version?: TillVersion | undefined;
  },
): Promise<string> {
  const { credential, request } = options;
  const { token } = request;
  const device = await withTenant(app, credential.storeId, async (tx) => {
    const verified = await verifyDevice(tx, credential, {
      pending: options.pending,
      version: options.version,
      touch: 'pull',
    });
    if (token === null) {
      await ensureFeedState(tx, verified.storeId);
      await clearResyncRequest(tx, verified);
    }
    return verified;
  });
  if (device.supersededBy !== null) {
    throw conflict(`This till continues as device ${device.supersededBy}`);
  }
  const limit = request.limit ?? DEFAULT_SNAPSHOT_ROWS;
  const page = await withTenant(
    app,
    device.storeId,
    async (tx) => {
      const state = await readFeedState(tx);
      if (!state) throw resyncRequired('HQ has no change feed for this store yet: start again.');
      const position =
        token === null ? await startSnapshot(tx, state) : resumeSnapshot(state, token);
      return readSnapshotPage(tx, position, limit);
    },
    { snapshot: true },
  );
  return page.json;
}
