import { describe, expect, it } from 'vitest';
import { derivePassword, embeddedTarget, roleUrl, urlTarget } from './connection';

describe('urlTarget', () => {
  it('reads host, port, database, the superuser and sslmode', () => {
    const t = urlTarget('postgres://admin:s%40cret@db.example:6543/hq?sslmode=verify-full', {
      env: {},
    });
    expect(t).toMatchObject({
      host: 'db.example',
      port: 6543,
      database: 'hq',
      maintenanceDatabase: 'postgres',
      ssl: { rejectUnauthorized: true },
    });
    expect(t.roles.admin).toEqual({ user: 'admin', password: 's@cret' });
    expect(t.roles.app.user).toBe('edgepos_app');
    expect(t.roles.app.password).toBe(derivePassword('s@cret', 'edgepos_app'));
    expect(t.roles.owner.password).not.toBe(t.roles.app.password);
  });

  it('defaults the database and lets the environment override passwords', () => {
    const t = urlTarget('postgresql://root:pw@localhost', {
      env: { EDGEPOS_APP_PASSWORD: 'given' },
    });
    expect(t.database).toBe('edgepos');
    expect(t.port).toBe(5432);
    expect(t.ssl).toBe(false);
    expect(t.roles.app.password).toBe('given');
  });

  it('refuses what it cannot use', () => {
    expect(() => urlTarget('mysql://a:b@h/d', { env: {} })).toThrow(/postgres:\/\//);
    expect(() => urlTarget('postgres://h/d', { env: {} })).toThrow(/must name a user/);
    expect(() => urlTarget('postgres://a@h/d', { env: {} })).toThrow(/EDGEPOS_ROLE_SECRET/);
    expect(() => urlTarget('not a url', { env: {} })).toThrow(/not a valid URL/);
  });
});

describe('role passwords and URLs', () => {
  it('are stable for a secret and redacted unless asked', () => {
    const a = embeddedTarget({
      port: 5555,
      superuser: { user: 'postgres', password: 'x'.repeat(20) },
      env: {},
    });
    const b = embeddedTarget({
      port: 5555,
      superuser: { user: 'postgres', password: 'x'.repeat(20) },
      env: {},
    });
    expect(a.roles).toEqual(b.roles);
    expect(roleUrl(a, 'app', { redact: true })).toBe(
      'postgres://edgepos_app:***@127.0.0.1:5555/edgepos',
    );
    expect(roleUrl(a, 'app')).toContain(encodeURIComponent(a.roles.app.password!));
  });
});
