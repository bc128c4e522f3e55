import { describe, expect, it } from 'vitest';
import { splitStatements } from './split-statements';
import { CENTRAL_MIGRATIONS_DIR, EDGE_MIGRATIONS_DIR, loadMigrations } from './node-source';

describe('splitStatements', () => {
  it('splits at semicolons outside quotes, identifiers, bodies and comments', () => {
    const script = [
      '-- a comment; not a statement',
      "CREATE TABLE \"odd;name\" (a text DEFAULT 'x;y''z;');",
      '/* block; /* nested; */ still comment; */',
      'DO $$ BEGIN PERFORM 1; PERFORM 2; END $$;',
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $$ $body$;',
      "SELECT E'back\\\\slash \\' quote;', $1::int, a$b FROM t",
    ].join('\n');
    // Comments stay with the statement they precede (harmless, and useful in server logs).
    expect(splitStatements(script)).toEqual([
      "-- a comment; not a statement\nCREATE TABLE \"odd;name\" (a text DEFAULT 'x;y''z;')",
      '/* block; /* nested; */ still comment; */\nDO $$ BEGIN PERFORM 1; PERFORM 2; END $$',
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $$ $body$',
      "SELECT E'back\\\\slash \\' quote;', $1::int, a$b FROM t",
    ]);
  });

  it('refuses what it cannot split safely, with the reason', () => {
    expect(() => splitStatements("SELECT 'open")).toThrow(/Unterminated string/);
    expect(() => splitStatements('DO $x$ BEGIN END $y$')).toThrow(/Unterminated \$x\$ body/);
    expect(() =>
      splitStatements('CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1; END'),
    ).toThrow(/BEGIN ATOMIC/);
  });

  it('reads every migration of both databases', () => {
    for (const dir of [EDGE_MIGRATIONS_DIR, CENTRAL_MIGRATIONS_DIR]) {
      for (const m of loadMigrations(dir)) {
        const up = splitStatements(m.up);
        expect(up.length, `${m.version} ${m.name}`).toBeGreaterThan(0);
        for (const s of up) expect(s.endsWith(';'), `${m.name}: ${s.slice(-40)}`).toBe(false);
        splitStatements(m.down);
      }
    }
  });
});
