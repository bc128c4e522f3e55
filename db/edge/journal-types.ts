/** Platform-neutral journal contract: the Node file journal and the browser's IndexedDB one. */
import type { Mutation } from '../../contract/mutations';

/** High-water marks of the till's local counters (see pos.counters). */
export interface Counters {
  mutation: number;
  receipt: number;
  z_report: number;
}

export interface Journal {
  /** Resolves only when the mutation is durable; the receipt is shown after that. */
  append(mutation: Mutation): Promise<void>;
}
