/**
 * The browser's sale journal: the same contract as the Node file journal (db/edge/journal.ts),
 * on IndexedDB.
 *
 * PGlite's IndexedDB file system writes pages back after a query, outside any fsync-like
 * guarantee, so a closed tab or a crashed browser can lose commits the cashier already saw.
 * Every outbox mutation is therefore also put here in a readwrite transaction with
 * `durability: 'strict'` (the browser flushes to disk before `complete` fires), and `append`
 * resolves only then; the receipt is shown after that. At open, mutations the database lost are
 * replayed (db/edge/replay.ts). Entries are dropped only once HQ acknowledged them; a watermark
 * keeps the highest counters ever used so receipt numbers and mutation IDs never repeat.
 */
import { CorruptDataError } from '../../db/errors';
import type { Counters, Watermark } from '../../db/edge/journal-types';
import { Mutation } from '../../contract/mutations';
import type { HostJournal, JournalContents } from '../platform';

const MUTATIONS = 'mutations';
const META = 'meta';
const WATERMARK_KEY = 'watermark';
const EMPTY: Watermark = { mutation: 0, receipt: 0, z_report: 0, acked: 0 };

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function completion(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

function openDatabase(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(MUTATIONS))
        db.createObjectStore(MUTATIONS, { keyPath: 'mutationId' });
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error(`Cannot open IndexedDB ${name}`));
    req.onblocked = () => reject(new Error(`IndexedDB ${name} is blocked by another tab`));
  });
}

function toWatermark(value: unknown): Watermark {
  if (typeof value !== 'object' || value === null) return { ...EMPTY };
  const v = value as Partial<Record<keyof Watermark, unknown>>;
  const n = (x: unknown): number =>
    typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 ? x : 0;
  return {
    mutation: n(v.mutation),
    receipt: n(v.receipt),
    z_report: n(v.z_report),
    acked: n(v.acked),
  };
}

export class IdbJournal implements HostJournal {
  private closed = false;
  /** When the last append completed (epoch ms). */
  lastAppendAt = 0;

  private constructor(private readonly db: IDBDatabase) {}

  static async open(name: string): Promise<{ journal: IdbJournal; contents: JournalContents }> {
    const db = await openDatabase(name);
    const tx = db.transaction([MUTATIONS, META], 'readonly');
    const [records, watermark] = await Promise.all([
      request(tx.objectStore(MUTATIONS).getAll()),
      request(tx.objectStore(META).get(WATERMARK_KEY) as IDBRequest<unknown>),
    ]);
    const mutations = (records as unknown[]).map((record, index) => {
      const parsed = Mutation.safeParse(record);
      if (!parsed.success) {
        throw new CorruptDataError(
          `The browser's sale journal holds an unreadable entry (#${index + 1}). It was left untouched; export the browser profile and contact support.`,
          { cause: parsed.error },
        );
      }
      return parsed.data;
    });
    return {
      journal: new IdbJournal(db),
      contents: { watermark: toWatermark(watermark), mutations },
    };
  }

  /** Resolves once the browser reports the entry flushed to disk (strict durability). */
  async append(mutation: Mutation): Promise<void> {
    if (this.closed) throw new Error('journal is closed');
    const tx = this.db.transaction(MUTATIONS, 'readwrite', { durability: 'strict' });
    tx.objectStore(MUTATIONS).put(mutation);
    await completion(tx);
    this.lastAppendAt = Date.now();
  }

  /**
   * Drop entries HQ acknowledged (id <= ackedThrough); keep the counters' high-water marks and
   * the acknowledged mark (replay restores it, see journal-types.ts).
   */
  async compact(
    ackedThrough: number,
    counters: Counters,
  ): Promise<{ kept: number; dropped: number }> {
    if (this.closed) throw new Error('journal is closed');
    const tx = this.db.transaction([MUTATIONS, META], 'readwrite', { durability: 'strict' });
    const store = tx.objectStore(MUTATIONS);
    const meta = tx.objectStore(META);
    const [keys, previous] = await Promise.all([
      request(store.getAllKeys()),
      request(meta.get(WATERMARK_KEY) as IDBRequest<unknown>),
    ]);
    const ids = keys.map(Number);
    const old = toWatermark(previous);
    const highestId = Math.max(0, ...ids);
    meta.put(
      {
        mutation: Math.max(old.mutation, counters.mutation, highestId),
        receipt: Math.max(old.receipt, counters.receipt),
        z_report: Math.max(old.z_report, counters.z_report),
        acked: Math.max(old.acked, ackedThrough),
      },
      WATERMARK_KEY,
    );
    const dropped = ids.filter((id) => id <= ackedThrough).length;
    if (ackedThrough >= 1) store.delete(IDBKeyRange.upperBound(ackedThrough));
    await completion(tx);
    return { kept: ids.length - dropped, dropped };
  }

  close(): Promise<void> {
    this.closed = true;
    this.db.close();
    return Promise.resolve();
  }
}
