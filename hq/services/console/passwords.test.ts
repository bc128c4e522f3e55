import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './passwords';

describe('console passwords (scrypt)', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$15\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', hash)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password here')).not.toBe(
      await hashPassword('same password here'),
    );
  });

  it('refuses malformed hashes instead of throwing', async () => {
    for (const bad of ['', 'scrypt$15$8$1$abc', 'bcrypt$x', 'scrypt$99$8$1$AAAA$AAAA'])
      expect(await verifyPassword('anything at all', bad)).toBe(false);
  });
});
