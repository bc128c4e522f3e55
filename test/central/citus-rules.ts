/**
 * Static checks of the SQL HQ runs, for what a Citus cluster refuses in writes (sharding test):
 * functions in `ON CONFLICT ... DO UPDATE` must be IMMUTABLE (Citus: "functions used in the DO
 * UPDATE SET clause of INSERTs on distributed tables must be marked IMMUTABLE", the same for
 * the conflict WHERE clause). Which functions are immutable is the database's answer
 * (pg_proc.provolatile), asked by the test; this module only finds the SQL and the calls in it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Modules that start HQ processes: everything they import is SQL HQ may run. */
const HQ_ENTRIES = ['hq/start.ts', 'hq/cli/hq.ts', 'hq/cli/hq-admin.ts', 'hq/cli/hq-db.ts'];

/** Every source file reachable from HQ's entry points through relative imports (no tests). */
export function hqSourceFiles(entries: readonly string[] = HQ_ENTRIES): string[] {
  const seen = new Set<string>();
  const queue = entries.map((e) => join(ROOT, e));
  const missing = queue.filter((p) => !existsSync(p));
  // A moved entry point would silently shrink what the sharding test checks.
  if (missing.length > 0) throw new Error(`HQ entry points not found: ${missing.join(', ')}`);
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/from\s+'(\.{1,2}\/[^']+)'|import\('(\.{1,2}\/[^']+)'\)/g)) {
      const spec = match[1] ?? match[2]!;
      const base = join(dirname(file), spec);
      const found = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find(
        (p) => existsSync(p) && !p.endsWith('/'),
      );
      if (found && !found.includes('.test.') && !seen.has(found)) queue.push(found);
    }
  }
  return [...seen].map((f) => relative(ROOT, f)).sort();
}

/** The text of every template literal in a TypeScript source (SQL lives in those). */
export function templateLiterals(source: string): string[] {
  const out: string[] = [];
  for (const match of source.matchAll(/`((?:\\`|[^`])*)`/g)) out.push(match[1]!);
  return out;
}

/**
 * The `DO UPDATE SET ...` part of each `ON CONFLICT` in a piece of SQL, up to RETURNING or
 * the end of the statement (the conflict WHERE clause included: Citus checks it too).
 */
export function doUpdateClauses(sql: string): string[] {
  const out: string[] = [];
  const re =
    /ON\s+CONFLICT\b[\s\S]*?\bDO\s+UPDATE\s+SET\b([\s\S]*?)(?=\bRETURNING\b|;|\)\s*,\s*\w+\s+AS\s*\(|$)/gi;
  for (const match of sql.matchAll(re)) out.push(match[1]!);
  return out;
}

const NOT_FUNCTIONS = new Set([
  'coalesce',
  'greatest',
  'least',
  'nullif',
  'in',
  'any',
  'all',
  'array',
  'exists',
  'values',
  'row',
  'cast',
  'and',
  'or',
  'not',
  'then',
  'else',
  'when',
  'case',
]);

/** SQL value functions that take no parentheses and are never immutable. */
const BARE_MUTABLE = /\b(current_timestamp|current_date|current_time|localtimestamp|localtime)\b/gi;

/**
 * Names of the functions a clause calls: `name(`, not a cast target (`::numeric(12,2)`) and
 * not an SQL construct written like a call (COALESCE, ANY, ...). Bare value functions such as
 * CURRENT_TIMESTAMP are returned as `now` (what they stand for).
 */
export function functionCalls(clause: string): string[] {
  const names = new Set<string>();
  const stripped = clause.replace(/'(?:''|[^'])*'/g, "''").replace(/\$\{[^}]*\}/g, '$0');
  for (const match of stripped.matchAll(
    /(::\s*)?\b([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)\s*\(/g,
  )) {
    if (match[1]) continue;
    const name = match[2]!.toLowerCase().replace(/^pg_catalog\./, '');
    if (NOT_FUNCTIONS.has(name)) continue;
    names.add(name);
  }
  if (BARE_MUTABLE.test(stripped)) names.add('now');
  BARE_MUTABLE.lastIndex = 0;
  return [...names].sort();
}

export interface DoUpdateUse {
  where: string;
  clause: string;
  functions: string[];
}

/** Every DO UPDATE clause in HQ's sources, with the functions it calls. */
export function hqDoUpdateUses(files: readonly string[] = hqSourceFiles()): DoUpdateUse[] {
  const out: DoUpdateUse[] = [];
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const sql of templateLiterals(text)) {
      for (const clause of doUpdateClauses(sql)) {
        out.push({ where: file, clause: clause.trim(), functions: functionCalls(clause) });
      }
    }
  }
  return out;
}

/**
 * `ADD COLUMN` clauses that carry a constraint (CHECK, REFERENCES, UNIQUE, PRIMARY KEY):
 * Citus refuses them on distributed and reference tables ("all constraints in Citus must have
 * explicit names"), so once the schema is distributed a column and its constraint are added in
 * separate statements. Comments are ignored; clauses are split at top-level commas.
 */
export function inlineConstraintColumns(sql: string): string[] {
  const out: string[] = [];
  for (const { clauses } of alterTableStatements(sql)) {
    for (const clause of clauses) {
      const column = /\bADD\s+COLUMN\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)/i.exec(clause);
      if (column && /\b(CHECK|REFERENCES|UNIQUE|PRIMARY\s+KEY)\b/i.test(clause)) {
        out.push(column[1]!);
      }
    }
  }
  return out;
}

/**
 * Tables of `ALTER TABLE` statements that add a constraint beside another subcommand: Citus
 * refuses them ("cannot execute ADD CONSTRAINT command with other subcommands"), so on a
 * distributed schema each constraint is added in a statement of its own.
 */
export function constraintsBesideOtherSubcommands(sql: string): string[] {
  return alterTableStatements(sql)
    .filter(
      ({ clauses }) => clauses.length > 1 && clauses.some((c) => /^\s*ADD\s+CONSTRAINT\b/i.test(c)),
    )
    .map(({ table }) => table);
}

/** The `ALTER TABLE` statements of a script, comments ignored, split at top-level commas. */
function alterTableStatements(sql: string): Array<{ table: string; clauses: string[] }> {
  const text = sql.replace(/--[^\n]*/g, ' ');
  const out: Array<{ table: string; clauses: string[] }> = [];
  for (const statement of text.split(';')) {
    const head = /^\s*ALTER\s+TABLE\s+(?:ONLY\s+)?(?:IF\s+EXISTS\s+)?([\w."]+)/i.exec(statement);
    if (!head) continue;
    const body = statement.slice(head[0].length);
    const clauses: string[] = [];
    let depth = 0;
    let current = '';
    for (const ch of body) {
      if (ch === '(') depth += 1;
      if (ch === ')') depth -= 1;
      if (ch === ',' && depth === 0) {
        clauses.push(current);
        current = '';
      } else current += ch;
    }
    clauses.push(current);
    out.push({ table: head[1]!, clauses });
  }
  return out;
}
