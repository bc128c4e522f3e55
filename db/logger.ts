/**
 * The logging contract library code depends on. pino satisfies it; tests pass `silentLogger`
 * or a recording logger. Library code never calls `console`.
 */
export type LogFields = Record<string, unknown>;
export interface Logger {
  debug(fields: LogFields, message?: string): void;
  info(fields: LogFields, message?: string): void;
  warn(fields: LogFields, message?: string): void;
  error(fields: LogFields, message?: string): void;
  child(bindings: LogFields): Logger;
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
