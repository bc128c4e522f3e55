/**
 * `npm run till -- printer` options as printing settings (contract/printer.ts), validated by the
 * same schema as the till API's, with the first problem in words.
 */
import { PrintSettings } from '../../contract/printer';

export interface PrinterOptions {
  network?: string | undefined;
  system?: string | undefined;
  none?: boolean | undefined;
  paper?: string | undefined;
  drawer?: boolean | undefined;
  returnPolicy?: string | undefined;
}

export type Parsed = { ok: true; settings: PrintSettings } | { ok: false; message: string };

/** `host` or `host:port` (IPv6 in brackets: `[fe80::1]:9100`). */
function hostPort(value: string): { host: string; port?: string } {
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(value);
  if (bracketed)
    return { host: bracketed[1] ?? '', ...(bracketed[2] ? { port: bracketed[2] } : {}) };
  const parts = value.split(':');
  // "http://printer" is an address typed as a URL: the schema says so in words.
  if (parts.length === 2 && !value.includes('/'))
    return { host: parts[0] ?? '', port: parts[1] ?? '' };
  return { host: value };
}

export function printSettingsFrom(options: PrinterOptions, current: PrintSettings): Parsed {
  const kinds = [options.network, options.system, options.none ? true : undefined].filter(
    (x) => x !== undefined,
  );
  if (kinds.length > 1)
    return { ok: false, message: 'Choose one of --network, --system or --none' };
  const paperWidth = options.paper === undefined ? undefined : Number(options.paper);
  let printer: unknown = current.printer;
  if (options.none) printer = { kind: 'none' };
  else if (options.network !== undefined) {
    const { host, port } = hostPort(options.network);
    printer = {
      kind: 'network',
      host,
      ...(port !== undefined ? { port } : {}),
      ...(paperWidth !== undefined ? { paperWidth } : {}),
      ...(options.drawer !== undefined ? { drawer: options.drawer } : {}),
    };
  } else if (options.system !== undefined) {
    printer = {
      kind: 'system',
      deviceName: options.system,
      ...(paperWidth !== undefined ? { paperWidth } : {}),
    };
  } else if (paperWidth !== undefined || options.drawer !== undefined) {
    printer = {
      ...current.printer,
      ...(paperWidth !== undefined ? { paperWidth } : {}),
      ...(options.drawer !== undefined && current.printer.kind === 'network'
        ? { drawer: options.drawer }
        : {}),
    };
  }
  const parsed = PrintSettings.safeParse({
    printer,
    returnPolicy: options.returnPolicy ?? current.returnPolicy,
  });
  if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? 'Invalid' };
  return { ok: true, settings: parsed.data };
}
