import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Logger } from '../../db/logger';
import { Channel } from '../../contract/ipc';
import {
  createIpcRouter,
  invokeRoute,
  isTrustedSender,
  sendRoute,
  type SenderPolicy,
} from './ipc-router';

type Handler = (event: IpcMainEvent | IpcMainInvokeEvent, ...args: unknown[]) => unknown;

/** ipcMain as the router uses it: records registrations so the test can deliver messages. */
function recordingIpcMain() {
  const handlers = new Map<string, Handler>();
  const listeners = new Map<string, Handler>();
  const ipcMain = {
    handle: (channel: string, fn: Handler) => void handlers.set(channel, fn),
    removeHandler: (channel: string) => void handlers.delete(channel),
    on: (channel: string, fn: Handler) => {
      listeners.set(channel, fn);
      return ipcMain;
    },
    removeAllListeners: (channel?: string) => {
      if (channel) listeners.delete(channel);
      return ipcMain;
    },
  };
  return {
    ipcMain: ipcMain as unknown as Pick<
      IpcMain,
      'handle' | 'on' | 'removeHandler' | 'removeAllListeners'
    >,
    handlers,
    listeners,
  };
}

function recordingLogger(): Logger & {
  lines: Array<{ level: string; message: string | undefined; fields: Record<string, unknown> }>;
} {
  const lines: Array<{
    level: string;
    message: string | undefined;
    fields: Record<string, unknown>;
  }> = [];
  const make = (level: string) => (fields: Record<string, unknown>, message?: string) =>
    void lines.push({ level, message, fields });
  const logger = {
    debug: make('debug'),
    info: make('info'),
    warn: make('warn'),
    error: make('error'),
    child: () => logger,
    lines,
  };
  return logger;
}

function event(options: {
  url: string | null;
  contentsId?: number;
  iframe?: boolean;
}): IpcMainInvokeEvent {
  const sender = { id: options.contentsId ?? 1 } as WebContents;
  return {
    sender,
    senderFrame:
      options.url === null ? null : { url: options.url, parent: options.iframe ? {} : null },
  } as unknown as IpcMainInvokeEvent;
}

const policy: SenderPolicy = { allowedOrigins: ['app://pos'], isKnownContents: (id) => id === 1 };

describe('isTrustedSender', () => {
  it('accepts only the top frame of a known window showing our origin', () => {
    expect(isTrustedSender(event({ url: 'app://pos/index.html' }), policy)).toBe(true);
    expect(isTrustedSender(event({ url: 'https://evil.example/' }), policy)).toBe(false);
    expect(isTrustedSender(event({ url: 'app://pos.evil/index.html' }), policy)).toBe(false);
    expect(isTrustedSender(event({ url: 'file:///etc/passwd' }), policy)).toBe(false);
    expect(isTrustedSender(event({ url: 'app://pos/index.html', iframe: true }), policy)).toBe(
      false,
    );
    expect(isTrustedSender(event({ url: 'app://pos/index.html', contentsId: 7 }), policy)).toBe(
      false,
    );
    expect(isTrustedSender(event({ url: null }), policy)).toBe(false);
    expect(isTrustedSender(event({ url: 'not a url' }), policy)).toBe(false);
  });

  it('accepts a dev-server origin only when it is listed', () => {
    const dev: SenderPolicy = {
      allowedOrigins: ['app://pos', 'http://localhost:5173'],
      isKnownContents: () => true,
    };
    expect(isTrustedSender(event({ url: 'http://localhost:5173/' }), dev)).toBe(true);
    expect(isTrustedSender(event({ url: 'http://localhost:5174/' }), dev)).toBe(false);
  });
});

describe('createIpcRouter', () => {
  const setup = () => {
    const rec = recordingIpcMain();
    const logger = recordingLogger();
    const calls: unknown[] = [];
    const router = createIpcRouter({
      ipcMain: rec.ipcMain,
      policy,
      logger,
      routes: {
        [Channel.printToPdf]: invokeRoute(
          z.object({ fileName: z.string().regex(/^[a-z0-9-]+$/) }).strict(),
          (input) => {
            calls.push(input);
            return Promise.resolve(`/tmp/${input.fileName}.pdf`);
          },
        ),
        [Channel.connectBackend]: sendRoute(
          z.undefined(),
          (_input, ctx) => void calls.push(ctx.sender.id),
        ),
        [Channel.appInfo]: invokeRoute(z.undefined(), () => Promise.reject(new Error('boom'))),
      },
    });
    return { ...rec, logger, calls, router };
  };

  it('runs a handler with validated input for a trusted sender', async () => {
    const { handlers, calls } = setup();
    const result = await handlers.get(Channel.printToPdf)?.(event({ url: 'app://pos/' }), {
      fileName: 'seattle-r01-000001',
    });
    expect(result).toEqual({ ok: true, data: '/tmp/seattle-r01-000001.pdf' });
    expect(calls).toEqual([{ fileName: 'seattle-r01-000001' }]);
  });

  it('drops messages from unknown senders before the handler runs', async () => {
    const { handlers, listeners, calls, logger } = setup();
    const result = await handlers.get(Channel.printToPdf)?.(
      event({ url: 'https://evil.example/' }),
      { fileName: 'x' },
    );
    expect(result).toEqual({ ok: false, error: { kind: 'forbidden', message: 'Unknown sender' } });
    listeners.get(Channel.connectBackend)?.(event({ url: 'app://pos/', contentsId: 99 }));
    await Promise.resolve();
    expect(calls).toEqual([]);
    expect(
      logger.lines.filter((l) => l.message === 'dropped IPC message from an unknown sender'),
    ).toHaveLength(2);
  });

  it('refuses invalid payloads (path traversal, extra keys, wrong types) without calling the handler', async () => {
    const { handlers, calls } = setup();
    for (const bad of [
      { fileName: '../../etc/passwd' },
      { fileName: 'ok', extra: 1 },
      { fileName: 42 },
      'string',
      null,
    ]) {
      const result = (await handlers.get(Channel.printToPdf)?.(
        event({ url: 'app://pos/' }),
        bad,
      )) as { ok: boolean; error?: { kind: string } };
      expect(result.ok).toBe(false);
      expect(result.error?.kind).toBe('validation');
    }
    expect(calls).toEqual([]);
  });

  it('delivers one-way messages and turns handler failures into error results', async () => {
    const { handlers, listeners, calls } = setup();
    listeners.get(Channel.connectBackend)?.(event({ url: 'app://pos/' }));
    await Promise.resolve();
    expect(calls).toEqual([1]);
    const failed = await handlers.get(Channel.appInfo)?.(event({ url: 'app://pos/' }));
    expect(failed).toEqual({ ok: false, error: { kind: 'internal', message: 'boom' } });
  });

  it('unregisters every channel on dispose', () => {
    const { handlers, listeners, router } = setup();
    expect(router.channels).toHaveLength(3);
    router.dispose();
    expect(handlers.size + listeners.size).toBe(0);
  });
});
