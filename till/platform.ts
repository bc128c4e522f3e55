/**
 * What the till host needs from the machine it runs on. One open sequence (open.ts) serves two
 * platforms through this interface:
 *
 *   till/node/     Node (Electron's utility process, the CLIs, the demo, tests): a lock file,
 *                  PGlite on NodeFS in a store directory (created from a pre-migrated
 *                  template), the fsynced NDJSON sale journal, WAL checkpoints;
 *   till/browser/  the browser's Web Worker: a Web Lock, PGlite on IndexedDB (idb://), the
 *                  sale journal in IndexedDB, migrations bundled at build time.
 *
 * The platform decides WHERE things live and how they are made durable; open.ts decides the
 * ORDER (lock -> database -> migrate -> journal -> replay -> maintenance), so the two hosts can
 * no longer drift apart.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { Mutation } from '../contract/mutations';
import type { Clock } from '../core/clock';
import type { IdGenerator } from '../core/ids';
import type { Counters, Journal, Watermark } from '../db/edge/journal-types';
import type { Logger } from '../db/logger';
import type { Migration } from '../db/migrations/runner';

/** What a journal holds at open: the counters' watermark with HQ's acknowledged mark, and the unacknowledged mutations. */
export interface JournalContents {
  watermark: Watermark;
  mutations: Mutation[];
}

/** The sale journal as the host owns it: durable appends, compaction, close. */
export interface HostJournal extends Journal {
  /** Drop entries HQ acknowledged (id <= ackedThrough); keep the counters' high-water marks. */
  compact(ackedThrough: number, counters: Counters): Promise<{ kept: number; dropped: number }>;
  close(): Promise<void>;
  /** When the last append completed (epoch ms): maintenance waits for a lull between sales. */
  readonly lastAppendAt: number;
}

export interface OpenedDatabase {
  db: PGlite;
  /** This open created the database (it was missing or its creation never completed). */
  created: boolean;
  /** ... from a pre-migrated template (no initdb, no migrations to run). */
  createdFromTemplate: boolean;
}

/**
 * Checkpoint policy. PGlite runs no checkpointer, so without one the WAL grows without bound;
 * the Node platform checkpoints on a timer once enough WAL was written, waiting for a lull.
 */
export interface CheckpointPolicy {
  /** Checkpoint when this much WAL was written since the last one. */
  walBytes: number;
  /** How often to look at the WAL. */
  intervalMs: number;
  /** Background maintenance waits until no sale was journaled for this long. */
  idleMs: number;
}

export interface Platform<J extends HostJournal = HostJournal> {
  /** Names the storage in messages and logs: the store directory, or "This browser". */
  readonly where: string;
  readonly logger: Logger;
  /** Injected time and IDs (tests); the system clock and UUIDv7 otherwise. */
  readonly clock?: Clock | undefined;
  readonly ids?: IdGenerator | undefined;
  /**
   * Single ownership of the storage for the life of the till: two PGlite instances on one data
   * directory (or one IndexedDB database) silently lose rows. Throws DataDirLockedError when
   * another owner holds it.
   */
  lock(): Promise<{ release(): void }>;
  /** PGlite on this platform's storage: the existing database, or a new one. */
  openDatabase(): Promise<OpenedDatabase>;
  /** The edge migrations (files next to the code, or bundled into the worker). */
  migrations(): Migration[];
  /** Settings applied after every migration run (Node: bound the WAL). */
  tune?(db: PGlite): Promise<void>;
  /** A NEW database is migrated: mark it complete (Node: the ready marker and a template). */
  completeCreation?(db: PGlite, opened: OpenedDatabase): Promise<void>;
  openJournal(): Promise<{ journal: J; contents: JournalContents }>;
  /** null: the platform takes no checkpoints (the browser never did). */
  readonly checkpoints: CheckpointPolicy | null;
}
