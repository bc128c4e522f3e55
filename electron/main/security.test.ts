import type { Session, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../db/logger';
import { APP_ORIGIN } from './app-protocol';
import {
  CONTENT_SECURITY_POLICY,
  CONTENT_SECURITY_POLICY_META,
  hardenContents,
  hardenSession,
  isAppUrl,
  secureWebPreferences,
} from './security';

type Listener = (...args: unknown[]) => void;

function recordingContents() {
  const on = new Map<string, Listener>();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents = {
    on: (name: string, fn: Listener) => {
      on.set(name, fn);
      return contents;
    },
    setWindowOpenHandler: (fn: (details: { url: string }) => { action: string }) => {
      openHandler = fn;
    },
  };
  const fire = (name: string, url?: string): boolean => {
    let prevented = false;
    on.get(name)?.({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  return {
    contents: contents as unknown as Pick<WebContents, 'on' | 'setWindowOpenHandler'>,
    fire,
    open: (url: string) => openHandler?.({ url }),
  };
}

describe('window security', () => {
  it('uses context isolation, the sandbox and no Node in the page', () => {
    const prefs = secureWebPreferences('/app/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('has a CSP that allows only our own code', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(CONTENT_SECURITY_POLICY_META).not.toContain('frame-ancestors');
  });

  it('blocks navigation away from the app, new windows and webviews', () => {
    const { contents, fire, open } = recordingContents();
    hardenContents(contents, { allowedOrigins: [APP_ORIGIN], logger: silentLogger });
    expect(fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(fire('will-navigate', `${APP_ORIGIN}/index.html`)).toBe(false);
    expect(fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(fire('will-attach-webview')).toBe(true);
    expect(open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(open(`${APP_ORIGIN}/index.html`)).toEqual({ action: 'deny' });
  });

  it('denies every permission request and check, and sends the CSP header', () => {
    const decisions: boolean[] = [];
    let requestHandler: ((c: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    let checkHandler: (() => boolean) | undefined;
    let deviceHandler: (() => boolean) | undefined;
    let headers:
      | ((
          d: { responseHeaders?: Record<string, string[]> },
          cb: (r: { responseHeaders: Record<string, string[]> }) => void,
        ) => void)
      | undefined;
    const session = {
      setPermissionRequestHandler: (fn: typeof requestHandler) => (requestHandler = fn),
      setPermissionCheckHandler: (fn: typeof checkHandler) => (checkHandler = fn),
      setDevicePermissionHandler: (fn: typeof deviceHandler) => (deviceHandler = fn),
      webRequest: { onHeadersReceived: (fn: typeof headers) => (headers = fn) },
    };
    hardenSession(
      session as unknown as Parameters<typeof hardenSession>[0] &
        Pick<Session, 'setPermissionRequestHandler'>,
      silentLogger,
    );
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'hid']) {
      requestHandler?.({}, permission, (ok) => decisions.push(ok));
    }
    expect(decisions).toEqual([false, false, false, false, false]);
    expect(checkHandler?.()).toBe(false);
    expect(deviceHandler?.()).toBe(false);
    let sent: Record<string, string[]> = {};
    headers?.(
      { responseHeaders: { 'Content-Type': ['text/html'] } },
      (r) => (sent = r.responseHeaders),
    );
    expect(sent['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(sent['Content-Type']).toEqual(['text/html']);
  });

  it('recognises only our own URLs', () => {
    expect(isAppUrl('app://pos/x.js', [APP_ORIGIN])).toBe(true);
    expect(isAppUrl('app://other/x.js', [APP_ORIGIN])).toBe(false);
    expect(isAppUrl('javascript:alert(1)', [APP_ORIGIN])).toBe(false);
  });
});
