/**
 * Single-writer lock on a store directory. PGlite takes no lock of its own, and two processes
 * on one data directory silently lose rows, so every opener goes through here.
 *
 * The lock is a file created with O_EXCL holding the owner's pid and host. A lock whose pid is
 * no longer running on this host is stale (the till crashed) and is taken over at once, so a
 * restart after a crash never waits. We do not use a heartbeat (mtime) lock: a long synchronous
 * PGlite statement (an HNSW build) would miss heartbeats and let a second process in.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { DataDirLockedError } from '../errors';

export interface LockOwner {
  pid: number;
  host: string;
  since: string;
  purpose: string;
}

export interface DirLock {
  readonly path: string;
  release(): void;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') {
      return {
        pid: parsed.pid,
        host: parsed.host,
        since: String(parsed.since ?? ''),
        purpose: String(parsed.purpose ?? ''),
      };
    }
  } catch {
    // Unreadable or half-written: treated below as a lock we cannot attribute.
  }
  return undefined;
}

export function acquireDirLock(path: string, purpose = 'edge-pos'): DirLock {
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    purpose,
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeSync(fd, JSON.stringify(owner));
      } finally {
        closeSync(fd);
      }
      let released = false;
      return {
        path,
        release: () => {
          if (released) return;
          released = true;
          const current = readOwner(path);
          if (current?.pid === owner.pid && current.host === owner.host) unlinkSync(path);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readOwner(path);
      if (holder && holder.host === owner.host && !isRunning(holder.pid)) {
        unlinkSync(path); // stale: its process is gone
        continue;
      }
      if (holder?.pid === process.pid && holder.host === owner.host) {
        throw new DataDirLockedError(
          `The store database is already open in this process (${holder.purpose}, since ${holder.since}). Close it before opening it again.`,
        );
      }
      throw new DataDirLockedError(
        holder
          ? `The store database is in use by another process (pid ${holder.pid} on ${holder.host}, ${holder.purpose}, since ${holder.since}). Close the other Edge POS window or process first.`
          : `The store database is locked by ${path}, which cannot be read. If no other Edge POS is running, delete that file.`,
      );
    }
  }
  throw new DataDirLockedError(`Could not take the lock ${path}`);
}
