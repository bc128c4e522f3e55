/** The cashier's window: large, secure preferences, shown when painted. */
import type { BrowserWindow as BrowserWindowType, BrowserWindowConstructorOptions } from 'electron';
import { secureWebPreferences } from './security';

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1366,
    height: 860,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    title: 'Edge POS',
    backgroundColor: '#10161d',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(preloadPath),
  };
}

export function createMainWindow(deps: {
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindowType;
  preloadPath: string;
  url: string;
}): BrowserWindowType {
  const win = new deps.BrowserWindow(mainWindowOptions(deps.preloadPath));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(deps.url);
  return win;
}
