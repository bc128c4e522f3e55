/**
 * IDs born on the till are UUIDv7: time-ordered, so B-tree inserts stay local and a sale's ID
 * sorts near its neighbours. Generators are injected so tests can be deterministic.
 */
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';

export type IdGenerator = () => string;

/** A UUID at a boundary (any version: HQ-born rows may carry other versions). */
export const Uuid = z.uuid();

export const newId: IdGenerator = () => uuidv7();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Deterministic v7-shaped IDs for tests and seeded data: same seed, same sequence. */
export function seededIdGenerator(seed: number, startMs = Date.UTC(2026, 0, 1)): IdGenerator {
  let counter = 0;
  let state = seed >>> 0 || 1;
  const random = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  return () => {
    counter += 1;
    const bytes = new Uint8Array(16);
    for (let i = 0; i < 16; i++) bytes[i] = Math.floor(random() * 256);
    return uuidv7({ msecs: startMs + counter, random: bytes });
  };
}
