/**
 * A till's store directory is its owner's only: the database holds the device credential,
 * staff PIN hashes and every sale. The directory is 0700 (nobody else can even look inside,
 * whatever modes the files inside get later) and, at open and close, every directory in it
 * 0700 and every file 0600 — PGlite's NodeFS creates many of its files world-writable.
 *
 * POSIX modes only: on Windows chmod cannot express this (the profile directory's ACL is what
 * protects the store there) and these calls change at most the read-only bit, which we never
 * set.
 */
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Create (or keep) `dir`, owner-only. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Make every directory under `dir` (itself included) 0700 and every file 0600. Synchronous:
 * it also runs as the store's lock is released at close (a few thousand chmods at most).
 */
export function restrictTree(dir: string): void {
  chmodSync(dir, PRIVATE_DIR_MODE);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // A symbolic link is never followed: its target is not ours to change.
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (!stat || stat.isSymbolicLink()) continue;
    if (stat.isDirectory()) restrictTree(path);
    else if ((stat.mode & 0o777) !== PRIVATE_FILE_MODE) chmodSync(path, PRIVATE_FILE_MODE);
  }
}
