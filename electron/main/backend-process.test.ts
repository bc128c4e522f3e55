import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../db/logger';
import { Channel } from '../../contract/ipc';
import {
  createBackendHost,
  type ChildProcessLike,
  type PortPair,
  type WindowContents,
} from './backend-process';

class Child extends EventEmitter {
  messages: Array<{ message: unknown; ports: unknown[] }> = [];
  killed = false;
  constructor(readonly pid: number) {
    super();
  }
  postMessage(message: unknown, ports: unknown[] = []): void {
    this.messages.push({ message, ports });
    if ((message as { type?: string }).type === 'shutdown')
      setTimeout(() => this.emit('exit', 0), 5);
  }
  kill(): boolean {
    this.killed = true;
    this.emit('exit', 137);
    return true;
  }
}

class Contents extends EventEmitter {
  received: Array<{ channel: string; ports: unknown[] }> = [];
  destroyed = false;
  constructor(readonly id: number) {
    super();
  }
  postMessage(channel: string, _message: unknown, ports: unknown[] = []): void {
    this.received.push({ channel, ports });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

function setup(answer?: (message: unknown) => Promise<unknown>) {
  const children: Child[] = [];
  let serial = 0;
  const host = createBackendHost({
    fork: () => {
      const child = new Child(1000 + children.length);
      children.push(child);
      return child as unknown as ChildProcessLike;
    },
    createChannel: () => {
      serial += 1;
      return {
        port1: { name: `p1-${serial}` },
        port2: { name: `p2-${serial}` },
      } as unknown as PortPair;
    },
    modulePath: '/app/backend.mjs',
    env: {},
    logger: silentLogger,
    restartDelayMs: 1,
    ...(answer ? { answer } : {}),
  });
  return { host, children };
}

describe('backend host', () => {
  it('gives each window its own channel: one port to the backend, one to the window', () => {
    const { host, children } = setup();
    const a = new Contents(1);
    const b = new Contents(2);
    host.connect(a as unknown as WindowContents);
    host.connect(b as unknown as WindowContents);
    expect(children).toHaveLength(1);
    expect(children[0]?.messages.map((m) => m.ports)).toEqual([
      [{ name: 'p1-1' }],
      [{ name: 'p1-2' }],
    ]);
    expect(a.received).toEqual([{ channel: Channel.backendPort, ports: [{ name: 'p2-1' }] }]);
    expect(b.received).toEqual([{ channel: Channel.backendPort, ports: [{ name: 'p2-2' }] }]);
  });

  it('restarts a crashed backend and reconnects the open windows', async () => {
    const { host, children } = setup();
    const a = new Contents(1);
    const closed = new Contents(2);
    host.connect(a as unknown as WindowContents);
    host.connect(closed as unknown as WindowContents);
    closed.emit('destroyed');
    children[0]?.emit('exit', 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(children).toHaveLength(2);
    expect(host.restarts).toBe(1);
    expect(a.received).toHaveLength(2);
    expect(closed.received).toHaveLength(1);
    expect(children[1]?.messages).toHaveLength(1);
  });

  it('asks the backend to close cleanly on stop, and kills it only if it hangs', async () => {
    const { host, children } = setup();
    await host.stop(1_000);
    expect(children[0]?.messages.map((m) => (m.message as { type: string }).type)).toEqual([
      'shutdown',
    ]);
    expect(children[0]?.killed).toBe(false);
    expect(children).toHaveLength(1); // no restart after a requested stop

    const hung = setup();
    const child = hung.children[0];
    if (!child) throw new Error('no child');
    child.postMessage = (message: unknown) => void child.messages.push({ message, ports: [] });
    await hung.host.stop(10);
    expect(child.killed).toBe(true);
  });

  it("answers the backend's requests (the secret vault) to the process that asked", async () => {
    const asked: unknown[] = [];
    const { children } = setup((message) => {
      asked.push(message);
      return Promise.resolve(
        (message as { id?: number }).id === 2 ? null : { type: 'vault-reply', id: 1 },
      );
    });
    const child = children[0];
    if (!child) throw new Error('no child');
    child.emit('message', { type: 'vault', id: 1, op: 'status' });
    child.emit('message', { type: 'vault', id: 2, op: 'bogus' });
    await new Promise((r) => setTimeout(r, 10));
    expect(asked).toHaveLength(2);
    // Nothing to answer (null) sends nothing.
    expect(child.messages.map((m) => m.message)).toEqual([{ type: 'vault-reply', id: 1 }]);
  });
});
