/**
 * What the host pushes to every connected screen without being asked: the sync status (online,
 * pending sales, rejected mutations, catalog download progress) whenever it changes. The
 * screens never poll for it.
 */
import { z } from 'zod';
import { SyncView } from './sync';

export const TillEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sync'), view: SyncView }),
]);
export type TillEvent = z.infer<typeof TillEvent>;

/**
 * Events travel on the same port as the API's answers (so an event sent before an answer
 * arrives before it), wrapped in an envelope the API transport (comlink) ignores: its messages
 * always carry an `id`.
 */
export const TillEventMessage = z.object({ tillEvent: TillEvent });
export type TillEventMessage = z.infer<typeof TillEventMessage>;
