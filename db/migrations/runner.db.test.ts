import { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pgliteMigrationDriver } from './pglite-driver';
import {
  migrateDown,
  migrateUp,
  checksum,
  migrationStatus,
  parseMigrationFiles,
  type Migration,
} from './runner';
import { EDGE_MIGRATIONS_DIR, loadMigrations } from './node-source';
import { edgeExtensions } from '../edge/extensions';

const files = {
  '0001_items.up.sql': 'CREATE TABLE items (id int PRIMARY KEY);',
  '0001_items.down.sql': 'DROP TABLE items;',
  '0002_names.up.sql': "ALTER TABLE items ADD COLUMN name text NOT NULL DEFAULT '';",
  '0002_names.down.sql': 'ALTER TABLE items DROP COLUMN name;',
};

let db: PGlite;
beforeEach(async () => {
  db = await PGlite.create();
});
afterEach(async () => {
  await db.close();
});

const columns = async (): Promise<string[]> =>
  (
    await db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'items' ORDER BY ordinal_position`,
    )
  ).rows.map((r) => r.column_name);

describe('migration runner on PGlite', () => {
  it('applies in order, is idempotent, and reverses with down scripts', async () => {
    const driver = pgliteMigrationDriver(db);
    const migrations = parseMigrationFiles(files);
    expect(await migrateUp(driver, migrations)).toEqual({ applied: [1, 2], version: 2 });
    expect(await migrateUp(driver, migrations)).toEqual({ applied: [], version: 2 });
    expect(await columns()).toEqual(['id', 'name']);
    expect(await migrateDown(driver, migrations, { to: 1 })).toEqual({ applied: [2], version: 1 });
    expect(await columns()).toEqual(['id']);
    expect((await migrationStatus(driver, migrations)).pending).toEqual([2]);
  });

  it('refuses to start when an applied migration was edited or is unknown', async () => {
    const driver = pgliteMigrationDriver(db);
    await migrateUp(driver, parseMigrationFiles(files));
    const edited = parseMigrationFiles({
      ...files,
      '0002_names.up.sql': 'ALTER TABLE items ADD COLUMN name text;',
    });
    await expect(migrateUp(driver, edited)).rejects.toThrow(/changed after it was applied/);
    const older: Migration[] = parseMigrationFiles({
      '0001_items.up.sql': files['0001_items.up.sql'],
      '0001_items.down.sql': files['0001_items.down.sql'],
    });
    await expect(migrateUp(driver, older)).rejects.toThrow(/newer than the application/);
  });

  it('accepts an edit only when the file declares the text it amends, and records it', async () => {
    const driver = pgliteMigrationDriver(db);
    await migrateUp(driver, parseMigrationFiles(files));
    const recorded = await checksum(files['0002_names.up.sql']);
    const split = "ALTER TABLE items ADD COLUMN name text NOT NULL DEFAULT '';\n";
    const undeclared = parseMigrationFiles({ ...files, '0002_names.up.sql': split });
    await expect(migrateUp(driver, undeclared)).rejects.toThrow(/changed after it was applied/);
    const otherText = `-- amends checksum ${await checksum('something else')}\n${split}`;
    await expect(
      migrateUp(driver, parseMigrationFiles({ ...files, '0002_names.up.sql': otherText })),
    ).rejects.toThrow(/changed after it was applied/);

    const amendedText = `-- amends checksum ${recorded}\n${split}`;
    const amended = parseMigrationFiles({ ...files, '0002_names.up.sql': amendedText });
    expect(await migrateUp(driver, amended)).toEqual({ applied: [], version: 2 });
    const { rows } = await db.query<{ checksum: string }>(
      'SELECT checksum FROM public.schema_migrations WHERE version = 2',
    );
    expect(rows[0]!.checksum).toBe(await checksum(amendedText));
    // Recorded: from now on the amended text is the one this database knows.
    await expect(migrateUp(driver, parseMigrationFiles(files))).rejects.toThrow(
      /changed after it was applied/,
    );
  });

  it('rolls a failing migration back completely, ledger included', async () => {
    const driver = pgliteMigrationDriver(db);
    const broken = parseMigrationFiles({
      ...files,
      '0003_bad.up.sql': 'CREATE TABLE other (id int); SELECT 1/0;',
      '0003_bad.down.sql': 'DROP TABLE other;',
    });
    await expect(migrateUp(driver, broken)).rejects.toThrow(
      /Migration 3 \(bad\) failed and was rolled back/,
    );
    expect((await db.query(`SELECT to_regclass('other') AS t`)).rows[0]).toEqual({ t: null });
    expect((await migrationStatus(driver, broken)).version).toBe(2);
  });

  it('builds the full edge schema up and all the way down again', async () => {
    const edge = await PGlite.create({ extensions: edgeExtensions });
    try {
      const driver = pgliteMigrationDriver(edge);
      const migrations = loadMigrations(EDGE_MIGRATIONS_DIR);
      await migrateUp(driver, migrations);
      await migrateDown(driver, migrations, { to: 0 });
      const { rows } = await edge.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema IN ('retail', 'pos')`,
      );
      expect(rows[0]?.n).toBe(0);
      expect((await migrateUp(driver, migrations)).applied.length).toBe(migrations.length);
    } finally {
      await edge.close();
    }
  });
});
