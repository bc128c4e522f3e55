/**
 * Everything checkout needs, injected once: the database, the journal, who the till is, time,
 * IDs and whether HQ is reachable (for card store-and-forward).
 */
import { InvalidStateError } from '../errors';
import { systemClock, type Clock } from '../../core/clock';
import { newId, type IdGenerator } from '../../core/ids';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import type { Journal } from '../edge/journal-types';
import type { LocalDb, RecordContext } from '../edge/record';
import { readIdentity } from '../queries/identity';

export interface TillContext extends RecordContext {
  clock: Clock;
  ids: IdGenerator;
  isOnline: () => boolean;
  logger: Logger;
}

export interface TillDeps {
  db: LocalDb;
  journal: Journal;
  clock?: Clock | undefined;
  ids?: IdGenerator | undefined;
  isOnline?: (() => boolean) | undefined;
  logger?: Logger | undefined;
}

export async function createTillContext(deps: TillDeps): Promise<TillContext> {
  const identity = await readIdentity(deps.db);
  if (!identity) {
    throw new InvalidStateError(
      'This till is not set up yet: enroll it with HQ (or seed a demo store) first',
    );
  }
  return {
    db: deps.db,
    journal: deps.journal,
    identity,
    clock: deps.clock ?? systemClock,
    ids: deps.ids ?? newId,
    isOnline: deps.isOnline ?? (() => false),
    logger: deps.logger ?? silentLogger,
  };
}
