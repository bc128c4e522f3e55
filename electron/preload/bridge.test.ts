import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { Channel } from '../../contract/ipc';
import { makeBridge, type EdgePosBridge } from './bridge';

function recordingIpcRenderer() {
  const sent: Array<{ channel: string; args: unknown[] }> = [];
  const invoked: Array<{ channel: string; args: unknown[] }> = [];
  const listeners = new Map<string, (event: IpcRendererEvent, ...args: unknown[]) => void>();
  const ipc = {
    send: (channel: string, ...args: unknown[]) => void sent.push({ channel, args }),
    invoke: (channel: string, ...args: unknown[]) => {
      invoked.push({ channel, args });
      return Promise.resolve({ ok: true, data: null });
    },
    on: (channel: string, fn: (event: IpcRendererEvent, ...args: unknown[]) => void) => {
      listeners.set(channel, fn);
      return ipc;
    },
  };
  return {
    ipc: ipc as unknown as Pick<IpcRenderer, 'send' | 'invoke' | 'on'>,
    sent,
    invoked,
    listeners,
  };
}

describe('preload bridge', () => {
  it('exposes exactly the contract, and nothing of Electron', () => {
    const { ipc } = recordingIpcRenderer();
    const bridge: EdgePosBridge = makeBridge({ ipcRenderer: ipc, forwardPort: () => undefined });
    expect(Object.keys(bridge).sort()).toEqual([
      'appInfo',
      'connectBackend',
      'platform',
      'print',
      'printToPdf',
    ]);
    expect(bridge.platform).toBe('electron');
    for (const value of Object.values(bridge)) {
      // Only functions and plain strings cross contextBridge; no ipcRenderer, no objects.
      expect(['function', 'string']).toContain(typeof value);
    }
  });

  it('sends only on the declared channels, with copied plain values', async () => {
    const { ipc, sent, invoked } = recordingIpcRenderer();
    const bridge = makeBridge({ ipcRenderer: ipc, forwardPort: () => undefined });
    bridge.connectBackend();
    const sneaky = { fileName: 'R-1', toString: () => 'x', extra: 'ignored' };
    await bridge.printToPdf(sneaky);
    await bridge.print({ silent: 'yes' as unknown as boolean });
    await bridge.print({ silent: true, deviceName: 'EPSON TM-T88' });
    await bridge.appInfo();
    expect(sent).toEqual([{ channel: Channel.connectBackend, args: [] }]);
    expect(invoked).toEqual([
      { channel: Channel.printToPdf, args: [{ fileName: 'R-1' }] },
      { channel: Channel.print, args: [{ silent: false }] },
      { channel: Channel.print, args: [{ silent: true, deviceName: 'EPSON TM-T88' }] },
      { channel: Channel.appInfo, args: [] },
    ]);
    const declared = new Set<string>(Object.values(Channel));
    for (const call of [...sent, ...invoked]) expect(declared.has(call.channel)).toBe(true);
  });

  it('forwards the backend port main sends, and ignores a message without one', () => {
    const { ipc, listeners } = recordingIpcRenderer();
    const forwarded: unknown[] = [];
    makeBridge({ ipcRenderer: ipc, forwardPort: (port) => forwarded.push(port) });
    const port = { postMessage: () => undefined } as unknown as MessagePort;
    listeners.get(Channel.backendPort)?.({ ports: [port] } as unknown as IpcRendererEvent);
    listeners.get(Channel.backendPort)?.({ ports: [] } as unknown as IpcRendererEvent);
    expect(forwarded).toEqual([port]);
  });
});
