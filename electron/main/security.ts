/**
 * The window's security settings in one place (Electron's security checklist): context
 * isolation, no Node in the page, the OS sandbox, a strict Content-Security-Policy, no
 * navigation away from our own page, no new windows, no webviews, every permission denied.
 * Functions take the Electron objects they configure, so they are unit-tested without Electron.
 */
import type { Session, WebContents, WebPreferences } from 'electron';
import type { Logger } from '../../db/logger';

/** The page's CSP: our own scripts and styles only; nothing remote; no eval; no plugins. */
const POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
];

/** As an HTTP header (Electron's app:// responses). */
export const CONTENT_SECURITY_POLICY = [...POLICY, "frame-ancestors 'none'"].join('; ');

/** As a <meta> tag (the browser build): frame-ancestors is only valid in a header. */
export const CONTENT_SECURITY_POLICY_META = POLICY.join('; ');

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    sandbox: true,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  };
}

/** True when `url` is our own page (same origin as one of the allowed app origins). */
export function isAppUrl(url: string, allowedOrigins: readonly string[]): boolean {
  try {
    const parsed = new URL(url);
    const origin = parsed.origin !== 'null' ? parsed.origin : `${parsed.protocol}//${parsed.host}`;
    return allowedOrigins.includes(origin);
  } catch {
    return false;
  }
}

/** Deny every permission (camera, notifications, geolocation, ...) and every permission check. */
export function hardenSession(
  session: Pick<
    Session,
    'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
  > & {
    webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
  },
  logger: Logger,
): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    logger.warn({ permission }, 'denied a permission request');
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  // The CSP also travels as a response header on every response the window receives.
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
}

type ContentsEvents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** No navigation off our page, no new windows, no webviews. */
export function hardenContents(
  contents: ContentsEvents,
  options: { allowedOrigins: readonly string[]; logger: Logger },
): void {
  const { allowedOrigins, logger } = options;
  contents.setWindowOpenHandler(({ url }) => {
    logger.warn({ url }, 'blocked a new window');
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (isAppUrl(url, allowedOrigins)) return;
    logger.warn({ url }, 'blocked navigation');
    event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (isAppUrl(url, allowedOrigins)) return;
    logger.warn({ url }, 'blocked redirect');
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    logger.warn({}, 'blocked a webview');
    event.preventDefault();
  });
}
