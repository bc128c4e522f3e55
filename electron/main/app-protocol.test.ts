import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentType, resolveAppFile } from './app-protocol';

const root = join('/opt', 'edge-pos', 'dist-web');

describe('app:// file resolution', () => {
  it('serves files under the root and index.html for /', () => {
    expect(resolveAppFile(root, 'app://pos/')).toBe(join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://pos/assets/index-abc.js')).toBe(
      join(root, 'assets', 'index-abc.js'),
    );
    expect(resolveAppFile(root, 'app://pos/assets/a.js?v=1#x')).toBe(join(root, 'assets', 'a.js'));
  });

  it('refuses other hosts and anything that leaves the root', () => {
    expect(resolveAppFile(root, 'app://evil/index.html')).toBeNull();
    expect(resolveAppFile(root, 'https://pos/index.html')).toBeNull();
    // The URL parser folds dot segments first; whatever is left must stay inside the root.
    for (const url of [
      'app://pos/../../etc/passwd',
      'app://pos/%2e%2e/%2e%2e/etc/passwd',
      'app://pos/a/../../../etc/passwd',
    ]) {
      const file = resolveAppFile(root, url);
      expect(file === null || file.startsWith(root + '/')).toBe(true);
    }
    expect(resolveAppFile(root, 'app://pos/..%2f..%2fetc%2fpasswd')).toBeNull();
    expect(resolveAppFile(root, 'app://pos/a%00.js')).toBeNull();
    expect(resolveAppFile(root, 'app://pos/%5c..%5csecret')).toBeNull();
    expect(resolveAppFile(root, 'app://pos/%E0%A4%A')).toBeNull();
  });

  it('labels content types', () => {
    expect(contentType('index.html')).toMatch(/text\/html/);
    expect(contentType('a.JS')).toMatch(/javascript/);
    expect(contentType('pglite.wasm')).toBe('application/wasm');
    expect(contentType('x.unknown')).toBe('application/octet-stream');
  });
});
