import { describe, expect, it } from 'vitest';
import { DEFAULT_RETURN_POLICY, NO_PRINTER } from '../../contract/printer';
import { printSettingsFrom } from './printer-options';

const none = { printer: NO_PRINTER, returnPolicy: DEFAULT_RETURN_POLICY };

describe('npm run till -- printer options', () => {
  it('a network printer by address, the port defaulting to 9100', () => {
    expect(printSettingsFrom({ network: '192.168.1.50' }, none)).toEqual({
      ok: true,
      settings: {
        printer: {
          kind: 'network',
          host: '192.168.1.50',
          port: 9100,
          paperWidth: 80,
          drawer: true,
        },
        returnPolicy: DEFAULT_RETURN_POLICY,
      },
    });
    const r = printSettingsFrom({ network: '[fe80::1]:9101', paper: '58', drawer: false }, none);
    expect(r.ok && r.settings.printer).toEqual({
      kind: 'network',
      host: 'fe80::1',
      port: 9101,
      paperWidth: 58,
      drawer: false,
    });
  });

  it('a system printer by name; the return policy alone keeps the printer', () => {
    const system = printSettingsFrom({ system: 'EPSON TM-T88' }, none);
    if (!system.ok) throw new Error(system.message);
    expect(system.settings.printer).toEqual({
      kind: 'system',
      deviceName: 'EPSON TM-T88',
      paperWidth: 80,
    });
    const policy = printSettingsFrom(
      { returnPolicy: 'No returns on sale items.' },
      system.settings,
    );
    expect(policy).toEqual({
      ok: true,
      settings: { printer: system.settings.printer, returnPolicy: 'No returns on sale items.' },
    });
  });

  it('bad input is refused in words', () => {
    expect(printSettingsFrom({ network: 'printer:99999' }, none)).toEqual({
      ok: false,
      message: 'The port is between 1 and 65535',
    });
    expect(printSettingsFrom({ network: 'http://printer' }, none)).toEqual({
      ok: false,
      message: 'Enter the printer’s address without http:// or a port',
    });
    expect(printSettingsFrom({ network: 'a', system: 'b' }, none)).toEqual({
      ok: false,
      message: 'Choose one of --network, --system or --none',
    });
    expect(printSettingsFrom({ network: 'a', paper: '70' }, none).ok).toBe(false);
    expect(printSettingsFrom({ network: 'printer:abc' }, none)).toEqual({
      ok: false,
      message: 'The port is a number between 1 and 65535',
    });
  });
});
