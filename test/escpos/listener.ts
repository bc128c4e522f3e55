/**
 * A printer on 127.0.0.1 for tests: takes raw TCP like a port-9100 ESC/POS printer, answers
 * DLE EOT status requests as configured, and keeps every connection's bytes.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export type PrinterState = 'ready' | 'paper-out' | 'cover-open' | 'silent';

/** DLE EOT n answers: fixed bits 0b0001_0010 plus the reported condition. */
function statusByte(n: number, state: PrinterState): number {
  const base = 0x12;
  if (n === 2 && state === 'cover-open') return base | 0x04;
  if (n === 2 && state === 'paper-out') return base | 0x20;
  if (n === 4 && state === 'paper-out') return base | 0x60;
  return base;
}

export interface TestPrinter {
  port: number;
  state: PrinterState;
  /** Every connection's bytes, in the order the connections closed. */
  jobs: Uint8Array[];
  /** Resolves with the next job that completes. */
  nextJob(): Promise<Uint8Array>;
  close(): Promise<void>;
}

export async function startTestPrinter(state: PrinterState = 'ready'): Promise<TestPrinter> {
  const sockets = new Set<Socket>();
  const waiters: Array<(job: Uint8Array) => void> = [];
  const printer: TestPrinter = {
    port: 0,
    state,
    jobs: [],
    nextJob: () => new Promise((resolve) => waiters.push(resolve)),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (printer.state === 'silent') return;
      // Answer each status request in this chunk (a request is never split by the till).
      for (let i = 0; i + 2 < chunk.length; i += 1) {
        if (chunk[i] === 0x10 && chunk[i + 1] === 0x04)
          socket.write(Uint8Array.of(statusByte(chunk[i + 2] ?? 0, printer.state)));
      }
    });
    socket.on('end', () => socket.end());
    socket.on('close', () => {
      sockets.delete(socket);
      const job = new Uint8Array(Buffer.concat(chunks));
      printer.jobs.push(job);
      waiters.shift()?.(job);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  printer.port = (server.address() as AddressInfo).port;
  return printer;
}

/** A port nothing listens on (a printer that is off). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
