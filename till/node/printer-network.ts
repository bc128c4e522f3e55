/**
 * Raw TCP to an ESC/POS printer (port 9100): ask its status (DLE EOT), then send the job.
 * Node only (the till host in Electron's utility process, the CLIs); the sandboxed renderer and
 * the browser's worker cannot open sockets.
 *
 * Every failure is a `PrinterError` with words for the cashier; nothing here throws anything
 * else, and every wait is bounded, so a dead printer costs a sale at most `timeoutMs` of
 * background time and never the sale itself (the caller prints after the sale is committed).
 */
import { connect, type Socket } from 'node:net';
import { ErrorKind, PosError } from '../../core/errors';
import { PrinterMessages } from '../../contract/printer';

export const PrinterFault = {
  notAnswering: 'not_answering',
  paperOut: 'paper_out',
  coverOpen: 'cover_open',
} as const;
export type PrinterFault = (typeof PrinterFault)[keyof typeof PrinterFault];

const MESSAGE: Record<PrinterFault, string> = {
  not_answering: PrinterMessages.notAnswering,
  paper_out: PrinterMessages.paperOut,
  cover_open: PrinterMessages.coverOpen,
};

export class PrinterError extends PosError {
  readonly fault: PrinterFault;
  constructor(fault: PrinterFault, options?: { cause?: unknown }) {
    super(ErrorKind.unavailable, MESSAGE[fault], options);
    this.fault = fault;
  }
}

/** DLE EOT 2 (offline cause) and DLE EOT 4 (roll paper sensor): two status bytes back. */
export const STATUS_REQUEST = Uint8Array.of(0x10, 0x04, 0x02, 0x10, 0x04, 0x04);

/** An ESC/POS status byte has bit 0 and 7 clear, bits 1 and 4 set. */
const isStatusByte = (b: number): boolean => (b & 0x93) === 0x12;

/** The fault the two status bytes report, or null when the printer can print. */
export function faultOf(offline: number, paper: number): PrinterFault | null {
  if (!isStatusByte(offline) || !isStatusByte(paper)) return PrinterFault.notAnswering;
  if ((paper & 0x60) !== 0 || (offline & 0x20) !== 0) return PrinterFault.paperOut;
  if ((offline & 0x04) !== 0) return PrinterFault.coverOpen;
  return null;
}

export interface NetworkPrinter {
  host: string;
  port: number;
  /** Bound on connecting, on the status answer, and on the job draining to the printer. */
  timeoutMs?: number | undefined;
}

/** Send one job after the printer said it can print; resolves once the job is sent. */
export function sendToNetworkPrinter(printer: NetworkPrinter, job: Uint8Array): Promise<void> {
  const timeoutMs = printer.timeoutMs ?? 3000;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let status: number[] = [];
    const socket: Socket = connect({ host: printer.host, port: printer.port });
    const finish = (error: PrinterError | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        socket.destroy();
        reject(error);
      } else resolve();
    };
    const timer = setTimeout(
      () => finish(new PrinterError(PrinterFault.notAnswering, { cause: new Error('timeout') })),
      timeoutMs,
    );
    socket.on('error', (cause) => finish(new PrinterError(PrinterFault.notAnswering, { cause })));
    socket.on('connect', () => socket.write(STATUS_REQUEST));
    socket.on('data', (chunk: Buffer) => {
      if (status.length >= 2) return; // the job is on its way; a printer may echo ASB bytes
      status = [...status, ...chunk].slice(0, 2);
      if (status.length < 2) return;
      const fault = faultOf(status[0] ?? 0, status[1] ?? 0);
      if (fault) return finish(new PrinterError(fault));
      // Done when the job is handed to the network; a printer that keeps the connection open
      // after our FIN is let go after the same bound.
      socket.end(job, () => {
        finish(null);
        socket.setTimeout(timeoutMs, () => socket.destroy());
      });
    });
    socket.on('close', () => {
      finish(new PrinterError(PrinterFault.notAnswering, { cause: new Error('closed') }));
    });
  });
}
