import type { WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { Channel } from '../../contract/ipc';
import { makeRoutes } from './routes';

describe('main routes', () => {
  const calls: string[] = [];
  const contents = { id: 1 } as WebContents;
  const routes = makeRoutes({
    connectBackend: () => void calls.push('connect'),
    print: (_c, options) => {
      calls.push(`print:${String(options.silent)}:${options.deviceName ?? ''}`);
      return Promise.resolve();
    },
    printToPdf: (_c, fileName) => Promise.resolve(`/docs/${fileName}.pdf`),
    appInfo: () => ({ version: '0.1.0', platform: 'linux', electron: '45.4.1' }),
  });

  it('declares one route per channel the page may use', () => {
    expect(Object.keys(routes).sort()).toEqual(
      [Channel.appInfo, Channel.connectBackend, Channel.print, Channel.printToPdf].sort(),
    );
  });

  it('validates what the page sends', async () => {
    const pdf = routes[Channel.printToPdf];
    expect(await pdf?.dispatch({ fileName: 'SEATTLE-R01-000001' }, { sender: contents })).toEqual({
      ok: true,
      data: '/docs/SEATTLE-R01-000001.pdf',
    });
    for (const bad of [
      { fileName: '../x' },
      { fileName: '' },
      { fileName: 'a'.repeat(81) },
      { fileName: '/etc/passwd' },
      {},
    ]) {
      expect((await pdf?.dispatch(bad, { sender: contents }))?.ok).toBe(false);
    }
    expect(await routes[Channel.print]?.dispatch({}, { sender: contents })).toEqual({
      ok: true,
      data: null,
    });
    expect(
      (await routes[Channel.print]?.dispatch({ silent: 'yes' }, { sender: contents }))?.ok,
    ).toBe(false);
    // The till's system printer, by name; a blank or oversized name is refused.
    expect(
      (
        await routes[Channel.print]?.dispatch(
          { silent: true, deviceName: 'EPSON TM-T88' },
          { sender: contents },
        )
      )?.ok,
    ).toBe(true);
    for (const deviceName of ['', ' ', 'x'.repeat(201), 7]) {
      expect(
        (await routes[Channel.print]?.dispatch({ silent: true, deviceName }, { sender: contents }))
          ?.ok,
      ).toBe(false);
    }
    expect(
      (await routes[Channel.connectBackend]?.dispatch({ any: 1 }, { sender: contents }))?.ok,
    ).toBe(false);
    expect(await routes[Channel.connectBackend]?.dispatch(undefined, { sender: contents })).toEqual(
      { ok: true, data: null },
    );
    expect(calls).toEqual(['print:false:', 'print:true:EPSON TM-T88', 'connect']);
  });
});
