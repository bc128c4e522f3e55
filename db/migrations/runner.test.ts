import { describe, expect, it } from 'vitest';
import { MigrationError } from '../errors';
import { checksum, parseMigrationFiles } from './runner';

describe('parseMigrationFiles', () => {
  it('orders migrations and pairs up and down scripts', () => {
    const m = parseMigrationFiles({
      '0002_b.up.sql': 'B',
      '0001_a.up.sql': 'A',
      '0001_a.down.sql': 'a',
      '0002_b.down.sql': 'b',
    });
    expect(m.map((x) => [x.version, x.name, x.up, x.down])).toEqual([
      [1, 'a', 'A', 'a'],
      [2, 'b', 'B', 'b'],
    ]);
  });
  it('refuses gaps, missing down scripts and stray files', () => {
    expect(() =>
      parseMigrationFiles({
        '0001_a.up.sql': 'A',
        '0001_a.down.sql': 'a',
        '0003_c.up.sql': 'C',
        '0003_c.down.sql': 'c',
      }),
    ).toThrow(MigrationError);
    expect(() => parseMigrationFiles({ '0001_a.up.sql': 'A' })).toThrow(/no down/);
    expect(() => parseMigrationFiles({ 'notes.sql': 'x' })).toThrow(/Unexpected/);
  });
  it('checksums ignore Windows line endings', async () => {
    expect(await checksum('a\r\nb')).toBe(await checksum('a\nb'));
    expect(await checksum('a')).not.toBe(await checksum('b'));
  });
});
