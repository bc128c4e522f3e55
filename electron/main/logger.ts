/** pino behind the project's Logger contract, writing JSON lines to a file (and stdout in dev). */
import { pino, type Logger as Pino } from 'pino';
import type { LogFields, Logger } from '../../db/logger';

export function wrapPino(p: Pino): Logger {
  return {
    debug: (fields: LogFields, message?: string) => p.debug(fields, message),
    info: (fields: LogFields, message?: string) => p.info(fields, message),
    warn: (fields: LogFields, message?: string) => p.warn(fields, message),
    error: (fields: LogFields, message?: string) => p.error(fields, message),
    child: (bindings: LogFields) => wrapPino(p.child(bindings)),
  };
}

export function fileLogger(options: {
  file: string;
  name: string;
  alsoStdout?: boolean;
  level?: string;
}): Logger {
  const file = pino.destination({ dest: options.file, mkdir: true, sync: false });
  const streams = options.alsoStdout
    ? pino.multistream([{ stream: file }, { stream: process.stdout }])
    : file;
  return wrapPino(pino({ name: options.name, level: options.level ?? 'info' }, streams));
}
