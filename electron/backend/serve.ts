/**
 * comlink over an Electron MessagePortMain. comlink speaks the DOM MessagePort dialect
 * (addEventListener('message', ev => ev.data)); MessagePortMain is an EventEmitter whose
 * 'message' events carry { data, ports }. This adapter bridges the two, one API per port, and
 * sends the host's events on the same port (contract/till-api/events.ts `TillEventMessage`).
 */
import * as Comlink from 'comlink';
import type { TillEventMessage } from '../../contract/till-api/events';

/** The part of Electron's MessagePortMain we use. */
export interface MainPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  off(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  postMessage(message: unknown): void;
  start(): void;
  close(): void;
}

export function mainPortEndpoint(port: MainPortLike): Comlink.Endpoint {
  const wrapped = new Map<EventListenerOrEventListenerObject, (event: { data: unknown }) => void>();
  return {
    postMessage: (message: unknown) => port.postMessage(message),
    addEventListener: (type: string, listener: EventListenerOrEventListenerObject) => {
      if (type !== 'message') return;
      const handler = (event: { data: unknown }): void => {
        const ev = { data: event.data } as MessageEvent;
        if (typeof listener === 'function') listener(ev);
        else listener.handleEvent(ev);
      };
      wrapped.set(listener, handler);
      port.on('message', handler);
    },
    removeEventListener: (type: string, listener: EventListenerOrEventListenerObject) => {
      if (type !== 'message') return;
      const handler = wrapped.get(listener);
      if (handler) port.off('message', handler);
      wrapped.delete(listener);
    },
    start: () => port.start(),
  };
}

/** Serve `api` on `port` until it closes; `events` starts forwarding and returns its stop. */
export function serveOnPort(
  api: object,
  port: MainPortLike,
  options: { events?: (post: (message: TillEventMessage) => void) => () => void } = {},
): void {
  Comlink.expose(api, mainPortEndpoint(port));
  const stop = options.events?.((message) => port.postMessage(message));
  if (stop) port.on('close', stop);
  port.start();
}
