/**
 * Barcode scanners in keyboard-wedge mode "type" the code very fast and press Enter. This
 * detector tells such a burst apart from a person typing, whatever has focus, from key events
 * and their timestamps only (time is passed in, so the rules are unit-tested).
 *
 * Rules (after onScan.js, which judges the AVERAGE time per character, not each gap: event
 * timestamps jitter when the page is busy rendering the previous key):
 * - a burst is a run of printable keys with no gap longer than `maxGapMs`;
 * - Enter within `enterWithinMs` of the last key ends a scan when the burst has at least
 *   `minLength` keys (at most `maxLength`) arriving on average within `maxAvgGapMs`: the
 *   caller swallows that Enter and undoes what the burst typed into the field;
 * - such a burst followed by silence (no Enter) for `incompleteAfterMs` is a broken scan
 *   (a half-typed code): reported so the caller can undo it and say so;
 * - from the third key of a burst at scanner pace on, keys are swallowed (see ScanDecision);
 *   if such a burst turns out not to be a scan, the caller puts the swallowed keys back;
 * - anything else (a modifier chord, Backspace, arrows, a slow burst) passes through.
 * People type 60-250 ms per key on average; scanners send a key every 1-20 ms.
 */
export interface ScanDetectorOptions {
  maxGapMs: number;
  maxAvgGapMs: number;
  enterWithinMs: number;
  minLength: number;
  incompleteAfterMs: number;
  /** Longest code we accept; longer bursts (a paste macro, a stuck key) are not scans. */
  maxLength: number;
}

export const DEFAULT_SCAN_OPTIONS: ScanDetectorOptions = {
  maxGapMs: 100,
  maxAvgGapMs: 30,
  enterWithinMs: 150,
  minLength: 4,
  incompleteAfterMs: 250,
  maxLength: 64,
};

export type ScanDecision =
  /**
   * A printable key; `burstStart` when it may be the first key of a scan (snapshot the field);
   * `swallow` once the burst is at scanner pace (third key on): the caller keeps the key out of
   * the field, so a scan costs the page two keystrokes of work instead of one per digit.
   */
  | { type: 'char'; burstStart: boolean; swallow: boolean }
  /** Enter completing a scan: swallow it, undo the burst's typing, look the code up. */
  | { type: 'scan'; code: string }
  /** Not ours: let the key do what it normally does. */
  | { type: 'pass' };

export interface KeyInput {
  key: string;
  time: number;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
}

export class ScanDetector {
  private buffer: string[] = [];
  private firstTime = 0;
  private lastTime = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: ScanDetectorOptions = DEFAULT_SCAN_OPTIONS) {}

  /** Characters collected so far in the current burst. */
  get pending(): string {
    return this.buffer.join('');
  }

  /** Does the current burst look like a scanner (enough keys, fast enough on average)? */
  private scannerLike(): boolean {
    const n = this.buffer.length;
    if (n < this.options.minLength || n > this.options.maxLength) return false;
    return (this.lastTime - this.firstTime) / (n - 1) <= this.options.maxAvgGapMs;
  }

  key(input: KeyInput): ScanDecision {
    const { key, time } = input;
    const chord = Boolean(input.ctrlKey || input.altKey || input.metaKey);
    const gap = time - this.lastTime;
    if (key === 'Enter' && !chord) {
      const isScan = gap <= this.options.enterWithinMs && this.scannerLike();
      const code = this.buffer.join('');
      this.reset();
      return isScan ? { type: 'scan', code } : { type: 'pass' };
    }
    if (key.length !== 1 || chord) {
      this.reset();
      return { type: 'pass' };
    }
    const burstStart = this.buffer.length === 0 || gap > this.options.maxGapMs;
    if (burstStart) {
      this.buffer = [];
      this.firstTime = time;
    }
    this.buffer.push(key);
    this.lastTime = time;
    const n = this.buffer.length;
    const swallow =
      n >= 3 &&
      n <= this.options.maxLength &&
      (time - this.firstTime) / (n - 1) <= this.options.maxAvgGapMs;
    return { type: 'char', burstStart, swallow };
  }

  /**
   * Called when no key arrived for a while. Returns the broken scan's characters (and forgets
   * them) when a scanner-like burst stopped without Enter; otherwise null.
   */
  idle(time: number): string | null {
    if (this.buffer.length === 0 || time - this.lastTime < this.options.incompleteAfterMs)
      return null;
    const broken = this.scannerLike();
    const code = this.buffer.join('');
    this.reset();
    return broken ? code : null;
  }

  reset(): void {
    this.buffer = [];
    this.firstTime = 0;
    this.lastTime = Number.NEGATIVE_INFINITY;
  }
}
