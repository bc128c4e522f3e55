import type { EdgePosBridge } from '../electron/preload/bridge';

declare global {
  interface Window {
    /** Present only inside the Electron shell (the preload's bridge). */
    edgePos?: EdgePosBridge;
  }
}
