/**
 * The one IPC router of the main process (after Electron Fiddle's): a typed map of routes, each
 * with a zod schema for what the renderer sends. A message whose sender is not one of our
 * windows showing our own page is dropped before any handler runs; a payload that fails its
 * schema never reaches the handler either. Handlers answer `{ ok, data } | { ok: false, error }`.
 */
import type {
  IpcMain,
  IpcMainEvent,
  IpcMainInvokeEvent,
  WebContents,
  WebFrameMain,
} from 'electron';
import type { z } from 'zod';
import { ErrorKind, err, getErrorMessage, ok, type Result } from '../../contract/errors';
import type { Channel } from '../../contract/ipc';
import type { Logger } from '../../db/logger';

export interface RouteContext {
  sender: WebContents;
}

/**
 * A route bundles its schema with its handler; `dispatch` parses first and calls the handler
 * only with valid input, so the router itself stays untyped plumbing.
 */
export interface Route {
  kind: 'invoke' | 'send';
  dispatch(raw: unknown, ctx: RouteContext): Promise<Result<unknown>>;
}

export type Routes = Partial<Record<Channel, Route>>;

function validate<S extends z.ZodType>(input: S, raw: unknown): Result<z.output<S>> {
  const parsed = input.safeParse(raw);
  if (parsed.success) return ok(parsed.data);
  return err(ErrorKind.validation, parsed.error.issues[0]?.message ?? 'Invalid request');
}

export function invokeRoute<S extends z.ZodType, R>(
  input: S,
  handle: (input: z.output<S>, ctx: RouteContext) => Promise<R>,
): Route {
  return {
    kind: 'invoke',
    dispatch: async (raw, ctx) => {
      const checked = validate(input, raw);
      return checked.ok ? ok(await handle(checked.data, ctx)) : checked;
    },
  };
}

export function sendRoute<S extends z.ZodType>(
  input: S,
  handle: (input: z.output<S>, ctx: RouteContext) => void,
): Route {
  return {
    kind: 'send',
    dispatch: (raw, ctx) => {
      const checked = validate(input, raw);
      if (!checked.ok) return Promise.resolve(checked);
      handle(checked.data, ctx);
      return Promise.resolve(ok(null));
    },
  };
}

/** What a sender check looks at: the frame that sent the message and its WebContents. */
export interface SenderInfo {
  senderFrame: Pick<WebFrameMain, 'url' | 'parent'> | null;
  sender: Pick<WebContents, 'id'>;
}

export interface SenderPolicy {
  /** Origins our page is served from (app://pos, or the dev server in development). */
  allowedOrigins: readonly string[];
  /** IDs of the WebContents of windows this app created. */
  isKnownContents: (id: number) => boolean;
}

function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    // Custom standard schemes (app://pos) have an opaque `origin` in Node's URL; build it.
    return parsed.origin !== 'null' ? parsed.origin : `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

/** True only for the top frame of one of our windows showing our own page. */
export function isTrustedSender(event: SenderInfo, policy: SenderPolicy): boolean {
  const frame = event.senderFrame;
  if (!frame) return false; // the frame navigated away or was destroyed
  if (frame.parent !== null) return false; // never an iframe
  if (!policy.isKnownContents(event.sender.id)) return false;
  const origin = originOf(frame.url);
  return origin !== null && policy.allowedOrigins.includes(origin);
}

export interface IpcRouter {
  /** Channels registered (for tests and the shutdown path). */
  readonly channels: readonly Channel[];
  dispose(): void;
}

export function createIpcRouter(deps: {
  ipcMain: Pick<IpcMain, 'handle' | 'on' | 'removeHandler' | 'removeAllListeners'>;
  routes: Routes;
  policy: SenderPolicy;
  logger: Logger;
}): IpcRouter {
  const { ipcMain, routes, policy, logger } = deps;
  const channels = Object.keys(routes) as Channel[];

  const admit = (channel: Channel, event: IpcMainEvent | IpcMainInvokeEvent): boolean => {
    if (isTrustedSender(event, policy)) return true;
    logger.warn(
      { channel, url: event.senderFrame?.url ?? null, contents: event.sender.id },
      'dropped IPC message from an unknown sender',
    );
    return false;
  };

  const run = async (
    channel: Channel,
    route: Route,
    event: IpcMainEvent | IpcMainInvokeEvent,
    raw: unknown,
  ): Promise<Result<unknown>> => {
    if (!admit(channel, event)) return err(ErrorKind.forbidden, 'Unknown sender');
    try {
      const result = await route.dispatch(raw, { sender: event.sender });
      if (!result.ok) logger.warn({ channel, error: result.error.message }, 'rejected IPC request');
      return result;
    } catch (error) {
      const message = getErrorMessage(error);
      logger.error({ channel, error: message }, 'IPC handler failed');
      return err(ErrorKind.internal, message);
    }
  };

  for (const channel of channels) {
    const route = routes[channel];
    if (!route) continue;
    if (route.kind === 'invoke') {
      ipcMain.handle(channel, (event, raw: unknown) => run(channel, route, event, raw));
    } else {
      ipcMain.on(channel, (event, raw: unknown) => {
        void run(channel, route, event, raw);
      });
    }
  }

  return {
    channels,
    dispose: () => {
      for (const channel of channels) {
        if (routes[channel]?.kind === 'invoke') ipcMain.removeHandler(channel);
        else ipcMain.removeAllListeners(channel);
      }
    },
  };
}
