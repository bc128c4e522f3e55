/**
 * The Web Worker's logger. A worker has no log file; its one diagnostic channel is the browser's
 * console (visible in devtools and captured by the end-to-end tests), so this adapter is the
 * only place in the renderer tree that writes to it.
 */
import type { LogFields, Logger } from '../../db/logger';

type Level = 'debug' | 'info' | 'warn' | 'error';

export function workerLogger(bindings: LogFields = {}, minLevel: Level = 'info'): Logger {
  const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
  const write = (level: Level) => (fields: LogFields, message?: string) => {
    if (order[level] < order[minLevel]) return;
    const line = JSON.stringify({
      level,
      time: new Date().toISOString(),
      ...bindings,
      ...fields,
      msg: message,
    });
    // eslint-disable-next-line no-console -- see the module comment: the console is the worker's log
    (level === 'error' ? console.error : level === 'warn' ? console.warn : console.log)(line);
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => workerLogger({ ...bindings, ...more }, minLevel),
  };
}
