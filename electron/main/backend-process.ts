/**
 * The backend utility process: started once, restarted if it dies, and connected to each
 * window with its own MessageChannelMain (one port to the utility process, one to the window).
 * After a restart every window gets a fresh port; the page re-wraps it and asks for a login.
 */
import type { MessageChannelMain, UtilityProcess, WebContents } from 'electron';
import type { Logger } from '../../db/logger';
import { Channel } from '../../contract/ipc';

export interface ForkOptions {
  serviceName: string;
  env: Record<string, string>;
  stdio: 'inherit' | 'pipe' | 'ignore';
}

export type PortPair = Pick<MessageChannelMain, 'port1' | 'port2'>;
export type ChildProcessLike = Pick<UtilityProcess, 'postMessage' | 'on' | 'once' | 'kill' | 'pid'>;
export type WindowContents = Pick<WebContents, 'id' | 'postMessage' | 'once' | 'isDestroyed'>;

export interface BackendDeps {
  fork: (modulePath: string, args: string[], options: ForkOptions) => ChildProcessLike;
  createChannel: () => PortPair;
  modulePath: string;
  env: Record<string, string>;
  logger: Logger;
  /** Delay before restarting a crashed backend (grows with consecutive crashes). */
  restartDelayMs?: number;
  maxRestarts?: number;
  /**
   * Answer a message the backend sent (the secret vault, secret-vault.ts): the answer, if any,
   * goes back to the process that asked. Unvalidated input: the handler validates it.
   */
  answer?: (message: unknown) => Promise<unknown>;
}

export interface BackendHost {
  connect(contents: WindowContents): void;
  stop(timeoutMs?: number): Promise<void>;
  readonly restarts: number;
}

export function createBackendHost(deps: BackendDeps): BackendHost {
  const { logger } = deps;
  const windows = new Map<number, WindowContents>();
  let child: ChildProcessLike | undefined;
  let stopping = false;
  let restarts = 0;
  let exited: Promise<void> = Promise.resolve();

  const sendPort = (contents: WindowContents): void => {
    if (!child || contents.isDestroyed()) return;
    const { port1, port2 } = deps.createChannel();
    child.postMessage({ type: 'connect', windowId: contents.id }, [port1]);
    contents.postMessage(Channel.backendPort, null, [port2]);
  };

  const start = (): void => {
    const proc = deps.fork(deps.modulePath, [], {
      serviceName: 'Edge POS database',
      env: deps.env,
      stdio: 'inherit',
    });
    child = proc;
    const answer = deps.answer;
    if (answer) {
      proc.on('message', (message: unknown) => {
        answer(message).then(
          (reply) => {
            // A backend that died meanwhile gets nothing; its successor asks again.
            if (reply !== null && reply !== undefined && child === proc) proc.postMessage(reply);
          },
          (error: unknown) =>
            logger.error(
              { error: error instanceof Error ? error.name : typeof error },
              'backend request failed',
            ),
        );
      });
    }
    exited = new Promise((resolve) => {
      proc.once('exit', (code: number) => {
        if (child === proc) child = undefined;
        resolve();
        if (stopping) return;
        restarts += 1;
        logger.error({ code, restarts }, 'backend process exited');
        if (restarts > (deps.maxRestarts ?? 5)) {
          logger.error({}, 'backend keeps crashing; not restarting');
          return;
        }
        setTimeout(
          () => {
            if (stopping) return;
            start();
            for (const contents of windows.values()) sendPort(contents);
          },
          (deps.restartDelayMs ?? 500) * restarts,
        );
      });
    });
    logger.info({ pid: proc.pid }, 'backend process started');
  };

  start();

  return {
    get restarts() {
      return restarts;
    },
    connect(contents) {
      if (!windows.has(contents.id)) {
        windows.set(contents.id, contents);
        contents.once('destroyed', () => windows.delete(contents.id));
      }
      sendPort(contents);
    },
    async stop(timeoutMs = 5_000) {
      stopping = true;
      const proc = child;
      if (!proc) return;
      // Ask for a clean close (CHECKPOINT, journal closed, lock released); kill if it hangs.
      proc.postMessage({ type: 'shutdown' });
      const timer = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), timeoutMs),
      );
      if ((await Promise.race([exited.then(() => 'exited' as const), timer])) === 'timeout') {
        logger.warn({ timeoutMs }, 'backend did not exit in time; killing it');
        proc.kill();
      }
    },
  };
}
