/**
 * What the window may ask the main process, with the schema of each request. Everything else
 * (sales, lookups, reports) is the backend's business and never passes through main.
 */
import type { WebContents } from 'electron';
import { z } from 'zod';
import { Channel } from '../../contract/ipc';
import { invokeRoute, sendRoute, type Routes } from './ipc-router';

export const RouteInput = {
  connectBackend: z.undefined(),
  print: z
    .object({
      silent: z.boolean().default(false),
      /** The system printer the till's settings name (contract/printer.ts); else the default. */
      deviceName: z.string().trim().min(1).max(200).optional(),
    })
    .strict(),
  printToPdf: z
    .object({
      fileName: z
        .string()
        .regex(
          /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/,
          'A file name is letters, digits, dot, dash or underscore',
        ),
    })
    .strict(),
  appInfo: z.undefined(),
} as const;

export interface AppInfo {
  version: string;
  platform: string;
  electron: string;
}

export interface RouteDeps {
  connectBackend: (contents: WebContents) => void;
  print: (
    contents: WebContents,
    options: { silent: boolean; deviceName?: string | undefined },
  ) => Promise<void>;
  /** Render the window to PDF and save it; returns the saved path. */
  printToPdf: (contents: WebContents, fileName: string) => Promise<string>;
  appInfo: () => AppInfo;
}

export function makeRoutes(deps: RouteDeps): Routes {
  return {
    [Channel.connectBackend]: sendRoute(RouteInput.connectBackend, (_input, { sender }) =>
      deps.connectBackend(sender),
    ),
    [Channel.print]: invokeRoute(RouteInput.print, async (input, { sender }) => {
      await deps.print(sender, { silent: input.silent, deviceName: input.deviceName });
      return null;
    }),
    [Channel.printToPdf]: invokeRoute(RouteInput.printToPdf, (input, { sender }) =>
      deps.printToPdf(sender, input.fileName),
    ),
    [Channel.appInfo]: invokeRoute(RouteInput.appInfo, () => Promise.resolve(deps.appInfo())),
  };
}
