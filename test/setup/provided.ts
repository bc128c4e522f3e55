/** What the pg project's globalSetup (central-server.ts) hands to every test file. */
import type { CentralTarget } from '../../db/central/connection';

export interface CentralTestServer {
  /** Server and role credentials; `database` is the migrated template. */
  target: CentralTarget;
  /** Prefix of every database this run creates (dropped at teardown). */
  runPrefix: string;
  mode: 'embedded' | 'url';
}

declare module 'vitest' {
  export interface ProvidedContext {
    centralServer: CentralTestServer;
  }
}
