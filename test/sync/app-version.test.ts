import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APP_VERSION, AppVersionHeader } from '../../contract/sync-protocol/wire';

describe('APP_VERSION', () => {
  it("is package.json's version, and a valid x-edgepos-app header", () => {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as {
      version: string;
    };
    expect(APP_VERSION).toBe(pkg.version);
    expect(AppVersionHeader.parse(APP_VERSION)).toBe(APP_VERSION);
    expect(AppVersionHeader.safeParse('1.2.3; DROP TABLE').success).toBe(false);
    expect(AppVersionHeader.safeParse('x'.repeat(41)).success).toBe(false);
  });
});
