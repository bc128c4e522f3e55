/**
 * The sale journal: a durable copy of every outbox mutation, fsynced before the receipt shows.
 *
 * PGlite never fsyncs, so a power cut can lose commits the cashier already saw. Each mutation is
 * appended here as one line and `datasync`ed after its database commit; at open, anything the
 * database lost is replayed (see replay.ts). Lines are trimmed only once HQ has acknowledged
 * them; a watermark line keeps the highest counters ever used, so receipt numbers and mutation
 * IDs never repeat even if the database lost the sales that used them.
 *
 * Format (NDJSON, one record per line, each with a hash of its body):
 *   {"k":"w","w":{"mutation":12,"receipt":40,"z_report":3,"acked":9},"h":"..."}   watermark
 *                                                                      (first line; `acked`:
 *                                                                      HQ acknowledged up to)
 *   {"k":"m","m":{...mutation...},"h":"..."}                             a mutation
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CorruptDataError } from '../errors';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { Mutation } from '../../contract/mutations';
import type { Counters, Journal, Watermark } from './journal-types';

interface JournalContents {
  watermark: Watermark;
  mutations: Mutation[];
}

const EMPTY: Watermark = { mutation: 0, receipt: 0, z_report: 0, acked: 0 };

function hashOf(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

function encode(kind: 'm' | 'w', body: unknown): string {
  const json = JSON.stringify(body);
  return `{"k":"${kind}","${kind}":${json},"h":"${hashOf(json)}"}\n`;
}

function decode(
  line: string,
): { kind: 'm'; mutation: Mutation } | { kind: 'w'; watermark: Watermark } {
  const record = JSON.parse(line) as { k?: unknown; m?: unknown; w?: unknown; h?: unknown };
  const body = record.k === 'm' ? record.m : record.k === 'w' ? record.w : undefined;
  if (body === undefined || record.h !== hashOf(JSON.stringify(body))) {
    throw new Error('hash mismatch');
  }
  if (record.k === 'w') {
    const w = body as Partial<Watermark>;
    return {
      kind: 'w',
      watermark: {
        mutation: Number(w.mutation),
        receipt: Number(w.receipt),
        z_report: Number(w.z_report),
        // Journals written before the mark existed have none: nothing known acknowledged.
        acked: Number(w.acked ?? 0),
      },
    };
  }
  return { kind: 'm', mutation: Mutation.parse(body) };
}

async function fsyncDir(path: string): Promise<void> {
  // Directory fsync makes a created/renamed file's name durable. Windows cannot open a
  // directory for syncing; NTFS journals metadata itself.
  if (process.platform === 'win32') return;
  const handle = await open(path, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function parseJournal(
  text: string,
  logger: Logger = silentLogger,
): JournalContents & { validBytes: number } {
  let watermark = { ...EMPTY };
  const mutations: Mutation[] = [];
  let offset = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const isLast = i === lines.length - 1;
    if (line === '') {
      offset += isLast ? 0 : 1;
      continue;
    }
    try {
      const record = decode(line);
      if (isLast) throw new Error('line not terminated');
      if (record.kind === 'w') watermark = record.watermark;
      else mutations.push(record.mutation);
      offset += line.length + 1;
    } catch (error) {
      const trailing = lines.slice(i + 1).every((l) => l === '');
      if (trailing) {
        // A torn final write: the append never completed, so its receipt was never shown.
        logger.warn({ line: i + 1, error: String(error) }, 'dropping torn last journal line');
        break;
      }
      throw new CorruptDataError(
        `The sale journal is damaged at line ${i + 1} (${String(error)}). It is kept untouched; restore the store directory from a backup or contact support.`,
        { cause: error },
      );
    }
  }
  // Offsets are computed on UTF-16 lengths; convert via Buffer for the byte count on disk.
  const validBytes = Buffer.byteLength(text.slice(0, offset), 'utf8');
  return { watermark, mutations, validBytes };
}

export class FileJournal implements Journal {
  private tail: Promise<void> = Promise.resolve();
  private closed = false;
  /** When the last append completed (epoch ms): background maintenance waits for a lull. */
  lastAppendAt = 0;

  private constructor(
    readonly path: string,
    private handle: FileHandle,
    private readonly logger: Logger,
  ) {}

  /** Open (creating if needed) and read the journal. A torn last line is cut off. */
  static async open(
    path: string,
    logger: Logger = silentLogger,
  ): Promise<{ journal: FileJournal; contents: JournalContents }> {
    let text = '';
    let existed = true;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      existed = false;
    }
    const parsed = parseJournal(text, logger);
    const handle = await open(path, 'a+');
    if (existed && parsed.validBytes < Buffer.byteLength(text, 'utf8')) {
      await handle.truncate(parsed.validBytes);
      await handle.datasync();
    }
    if (!existed) await fsyncDir(dirname(path));
    return {
      journal: new FileJournal(path, handle, logger),
      contents: { watermark: parsed.watermark, mutations: parsed.mutations },
    };
  }

  /** Resolves once the mutation is on stable storage. Appends are serialised. */
  append(mutation: Mutation): Promise<void> {
    const line = encode('m', mutation);
    const next = this.tail.then(async () => {
      if (this.closed) throw new Error('journal is closed');
      await this.handle.appendFile(line, 'utf8');
      await this.handle.datasync();
      this.lastAppendAt = Date.now();
    });
    this.tail = next.catch(() => undefined);
    return next;
  }

  /**
   * Rewrite the journal without mutations HQ has acknowledged (id <= ackedThrough), keeping the
   * counters' high-water marks and the acknowledged mark (replay restores it: the dropped
   * mutations must never look unacknowledged). Atomic: temp file, fsync, rename, fsync
   * directory.
   */
  compact(ackedThrough: number, counters: Counters): Promise<{ kept: number; dropped: number }> {
    const run = this.tail.then(async () => {
      const text = await readFile(this.path, 'utf8');
      const { watermark, mutations } = parseJournal(text, this.logger);
      const kept = mutations.filter((m) => m.mutationId > ackedThrough);
      const highest = (key: keyof Counters): number =>
        Math.max(
          watermark[key],
          counters[key],
          key === 'mutation' ? Math.max(0, ...mutations.map((m) => m.mutationId)) : 0,
        );
      const mark: Watermark = {
        mutation: highest('mutation'),
        receipt: highest('receipt'),
        z_report: highest('z_report'),
        acked: Math.max(watermark.acked, ackedThrough),
      };
      const tmp = `${this.path}.tmp`;
      const out = await open(tmp, 'w');
      try {
        await out.writeFile(encode('w', mark) + kept.map((m) => encode('m', m)).join(''), 'utf8');
        await out.sync();
      } finally {
        await out.close();
      }
      await this.handle.close();
      await rename(tmp, this.path);
      await fsyncDir(dirname(this.path));
      this.handle = await open(this.path, 'a+');
      return { kept: kept.length, dropped: mutations.length - kept.length };
    });
    this.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async close(): Promise<void> {
    await this.tail;
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}
