/**
 * Who may do what in the console (docs/hq-console.md):
 *   admin    every store; every change, console users included
 *   manager  only the stores in their storeIds: reads and changes there, nothing chain-wide
 *   analyst  reads every store (reports through the read-only reporting role), changes nothing
 * Every check throws a plain-words `forbidden`; routes call them before any work starts.
 */
import type { ConsoleUser } from '../../../contract/console-protocol';
import { forbidden } from '../errors';

export function canRead(user: ConsoleUser, storeId: string): boolean {
  return user.role !== 'manager' || user.storeIds.includes(storeId);
}

export function assertRead(user: ConsoleUser, storeId: string): void {
  if (!canRead(user, storeId)) throw forbidden(`You do not manage store ${storeId}`);
}

export function assertWrite(user: ConsoleUser, storeIds: readonly string[]): void {
  if (user.role === 'analyst') throw forbidden('Analysts can look but not change anything');
  for (const storeId of storeIds) assertRead(user, storeId);
}

export function assertAdmin(user: ConsoleUser): void {
  if (user.role !== 'admin') throw forbidden('Only administrators can do that');
}

/** The stores a user sees, out of all of them (in the given order). */
export function visibleStores(user: ConsoleUser, all: readonly string[]): string[] {
  return all.filter((s) => canRead(user, s));
}
