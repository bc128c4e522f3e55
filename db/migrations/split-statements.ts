/**
 * Splits a migration script into its statements, so HQ's driver can send them one at a time.
 * A Citus coordinator forwards DDL on distributed tables to the workers as the text it was
 * given, and a worker refuses a text holding several commands ("cannot insert multiple
 * commands into a prepared statement"): a script sent whole fails there, statement by
 * statement it runs. Semicolons inside quotes, quoted identifiers, dollar-quoted bodies and
 * comments do not split.
 */
import { MigrationError } from '../errors';

const DOLLAR_TAG = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/;
const ONLY_COMMENTS = /^(\s|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/)*$/;

export function splitStatements(script: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  const n = script.length;
  const push = (end: number): void => {
    const text = script.slice(start, end).trim();
    if (text && !ONLY_COMMENTS.test(text)) out.push(text);
  };
  while (i < n) {
    const ch = script[i]!;
    const next = script[i + 1];
    if (ch === '-' && next === '-') {
      const end = script.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (ch === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        const pair = script.slice(i, i + 2);
        if (pair === '/*' || pair === '*/') {
          depth += pair === '/*' ? 1 : -1;
          i += 2;
        } else i += 1;
      }
      if (depth > 0) throw new MigrationError('Unterminated /* comment in a migration script');
    } else if (ch === "'") {
      const escapes = /[Ee]/.test(script[i - 1] ?? '') && !/[A-Za-z0-9_]/.test(script[i - 2] ?? '');
      i += 1;
      for (;;) {
        if (i >= n) throw new MigrationError('Unterminated string in a migration script');
        const c = script[i]!;
        if (escapes && c === '\\') i += 2;
        else if (c === "'" && script[i + 1] === "'") i += 2;
        else if (c === "'") break;
        else i += 1;
      }
      i += 1;
    } else if (ch === '"') {
      const end = script.indexOf('"', i + 1);
      if (end < 0) throw new MigrationError('Unterminated quoted identifier in a migration script');
      i = end + 1;
    } else if (ch === '$' && !/[A-Za-z0-9_]/.test(script[i - 1] ?? '')) {
      const tag = DOLLAR_TAG.exec(script.slice(i, i + 66));
      if (tag) {
        const end = script.indexOf(tag[0], i + tag[0].length);
        if (end < 0) throw new MigrationError(`Unterminated ${tag[0]} body in a migration script`);
        i = end + tag[0].length;
      } else i += 1;
    } else if (ch === ';') {
      push(i);
      i += 1;
      start = i;
    } else {
      if ((ch === 'B' || ch === 'b') && /^begin\s+atomic\b/i.test(script.slice(i, i + 20))) {
        throw new MigrationError(
          'A BEGIN ATOMIC function body cannot be split into statements; write the body dollar-quoted',
        );
      }
      i += 1;
    }
  }
  push(n);
  return out;
}
