/**
 * How a failure crosses a boundary (the till API over comlink, Electron IPC, HTTP): the ONE
 * result type `{ ok: true, data } | { ok: false, error: { kind, message } }`, typed by
 * `ErrorKind` so a screen switches on known kinds, never on loose strings.
 *
 * `ErrorKind` is defined in core/errors.ts (the rules throw errors of these kinds, and core/
 * imports nothing of ours); this module is where boundary code and the renderer take it from.
 */
import { ErrorKind } from '../core/errors';

export { ErrorKind };

export interface ErrorBody {
  kind: ErrorKind;
  message: string;
}
export interface OkResult<T> {
  ok: true;
  data: T;
}
export interface ErrorResult {
  ok: false;
  error: ErrorBody;
}
export type Result<T> = OkResult<T> | ErrorResult;

export function ok<T>(data: T): OkResult<T> {
  return { ok: true, data };
}

export function err(kind: ErrorKind, message: string): ErrorResult {
  return { ok: false, error: { kind, message } };
}

/** The message of anything thrown: an Error's message, otherwise its string form. */
export function getErrorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
