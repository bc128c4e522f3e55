/** What the pg project's globalSetup (central-server.ts) hands to every test file. */
import type { CentralTarget } from '../../db/central/connection';

export interface CentralTestServer {
  /** Server and role credentials; `database` is the migrated template. */
  target: CentralTarget;
  /** Prefix of every database this run creates (dropped at teardown). */
  runPrefix: string;
  /**
   * citus: DATABASE_URL is a Citus coordinator and EDGEPOS_CITUS_WORKERS names its workers
   * (`npm run test:citus`). Every test file then gets a database bootstrapped on every node,
   * migrated and distributed instead of a copy of the template (a copy is not distributed).
   */
  mode: 'embedded' | 'url' | 'citus';
}

declare module 'vitest' {
  export interface ProvidedContext {
    centralServer: CentralTestServer;
  }
}
