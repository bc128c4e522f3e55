/**
 * What every `hq` database command shares: the global options (--data-dir, --database-url,
 * --port, --json, --verbose), a logger on stderr, printing a result as text or JSON, and
 * running against the HQ database for the length of one command (`withCentral`).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { pino } from 'pino';
import type { Logger } from '../../../db/logger';
import { startCentral, type Central, type StartCentralOptions } from '../../ops/central';

interface GlobalOptions {
  dataDir?: string;
  databaseUrl?: string;
  port?: number;
  json?: boolean;
  verbose?: boolean;
}

export function intArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number >= 0');
  return n;
}

export interface HqDbCli {
  makeLogger: () => Logger;
  centralOptions: (logger: Logger) => StartCentralOptions;
  /** Print `value` as JSON under --json, else the text `text()` makes. */
  print: (value: unknown, text: () => string) => void;
  /** Start (or connect to) the HQ database, run `fn`, and stop it again. */
  withCentral: <T>(
    fn: (central: Central, logger: Logger) => Promise<T>,
    options?: { migrate?: boolean },
  ) => Promise<T>;
}

/** The shared helpers, reading the global options of `program` when a command runs. */
export function hqDbCli(program: Command): HqDbCli {
  const globals = () => program.opts<GlobalOptions>();
  const makeLogger = (): Logger =>
    pino({ level: globals().verbose ? 'debug' : 'info' }, pino.destination(2));
  const centralOptions = (logger: Logger): StartCentralOptions => {
    const g = globals();
    return { logger, dataDir: g.dataDir, databaseUrl: g.databaseUrl, port: g.port };
  };
  return {
    makeLogger,
    centralOptions,
    print: (value, text) => {
      process.stdout.write(globals().json ? `${JSON.stringify(value)}\n` : `${text()}\n`);
    },
    withCentral: async (fn, options = {}) => {
      const logger = makeLogger();
      const central = await startCentral({ ...centralOptions(logger), ...options });
      try {
        return await fn(central, logger);
      } finally {
        await central.stop();
      }
    },
  };
}
