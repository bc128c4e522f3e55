/**
 * What a bench suite is (run.ts loads each suite module and calls `run`). In its own module so
 * the suites and the runner do not import each other.
 */
export type Figure =
  number | Record<string, number> | Record<string, string> | Record<string, Record<string, number>>;
export type Figures = Record<string, Figure>;
export interface BenchContext {
  /** A scratch directory removed after the run. */
  workDir: string;
  /** Progress lines go to stderr so stdout stays one JSON object. */
  log: (message: string) => void;
  quick: boolean;
}
export interface Suite {
  name: string;
  run: (ctx: BenchContext) => Promise<Figures>;
}
