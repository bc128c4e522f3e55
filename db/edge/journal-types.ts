/** Platform-neutral journal contract: the Node file journal and the browser's IndexedDB one. */
import type { Mutation } from '../../contract/mutations';

/** High-water marks of the till's local counters (see pos.counters). */
export interface Counters {
  mutation: number;
  receipt: number;
  z_report: number;
}

/**
 * What the journal keeps beyond its mutations: the counters' high-water marks and the highest
 * mutation ID HQ acknowledged (`acked`). A power cut can lose the database's record of an
 * acknowledgement together with the acknowledged mutations after the journal dropped them;
 * replay restores `acked`, so the outbox's hole lies below what the till sends next.
 */
export interface Watermark extends Counters {
  acked: number;
}

export interface Journal {
  /** Resolves only when the mutation is durable; the receipt is shown after that. */
  append(mutation: Mutation): Promise<void>;
}
