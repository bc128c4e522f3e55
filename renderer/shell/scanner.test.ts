import { describe, expect, it } from 'vitest';
import { ScanDetector, type ScanDecision } from './scanner';

function feed(detector: ScanDetector, text: string, start: number, gap: number): ScanDecision[] {
  return [...text].map((key, i) => detector.key({ key, time: start + i * gap }));
}

describe('ScanDetector', () => {
  it('turns a fast burst ending with Enter into a scan', () => {
    const d = new ScanDetector();
    const decisions = feed(d, '2000000000015', 1000, 4);
    expect(decisions[0]).toEqual({ type: 'char', burstStart: true, swallow: false });
    expect(decisions[1]).toEqual({ type: 'char', burstStart: false, swallow: false });
    expect(decisions.slice(2).every((x) => x.type === 'char' && !x.burstStart && x.swallow)).toBe(
      true,
    );
    expect(d.key({ key: 'Enter', time: 1000 + 13 * 4 })).toEqual({
      type: 'scan',
      code: '2000000000015',
    });
  });

  it('lets a person typing and pressing Enter through', () => {
    const d = new ScanDetector();
    const decisions = feed(d, 'shoe', 1000, 120);
    expect(decisions.every((x) => x.type === 'char' && x.burstStart && !x.swallow)).toBe(true);
    expect(d.key({ key: 'Enter', time: 1000 + 4 * 120 })).toEqual({ type: 'pass' });
  });

  it('does not treat a short fast run as a scan', () => {
    const d = new ScanDetector();
    feed(d, '12', 0, 5);
    expect(d.key({ key: 'Enter', time: 12 })).toEqual({ type: 'pass' });
  });

  it('does not treat a late Enter as the end of a scan', () => {
    const d = new ScanDetector();
    feed(d, 'ELE-HEA-000001', 0, 5);
    expect(d.key({ key: 'Enter', time: 14 * 5 + 500 })).toEqual({ type: 'pass' });
  });

  it('judges the average pace, so one slow gap in a fast burst is still a scan', () => {
    const d = new ScanDetector();
    const times = [0, 64, 102, 120, 125, 128, 131, 134, 137, 146, 151, 156, 162];
    [...'2000000000008'].forEach((key, i) => d.key({ key, time: times[i] ?? 0 }));
    expect(d.key({ key: 'Enter', time: 237 })).toEqual({ type: 'scan', code: '2000000000008' });
  });

  it("never swallows a fast typist's keys (two keys rolled together included)", () => {
    const d = new ScanDetector();
    const keys = [
      d.key({ key: 't', time: 0 }),
      d.key({ key: 'h', time: 15 }),
      d.key({ key: 'e', time: 110 }),
    ];
    expect(keys.every((k) => k.type === 'char' && !k.swallow)).toBe(true);
  });

  it('does not take a fast typist for a scanner', () => {
    const d = new ScanDetector();
    feed(d, '1111', 0, 60);
    expect(d.key({ key: 'Enter', time: 240 })).toEqual({ type: 'pass' });
  });

  it('reports a fast burst that stops without Enter as a broken scan, once', () => {
    const d = new ScanDetector();
    feed(d, '200000', 0, 3);
    expect(d.idle(20)).toBeNull();
    expect(d.idle(300)).toBe('200000');
    expect(d.idle(600)).toBeNull();
  });

  it('never reports slow typing as a broken scan', () => {
    const d = new ScanDetector();
    feed(d, 'usb c charger', 0, 90);
    expect(d.idle(5000)).toBeNull();
  });

  it('ends a burst on chords and control keys', () => {
    const d = new ScanDetector();
    feed(d, '2000', 0, 3);
    expect(d.key({ key: 'v', time: 13, ctrlKey: true })).toEqual({ type: 'pass' });
    expect(d.key({ key: 'Enter', time: 14 })).toEqual({ type: 'pass' });
    feed(d, '2000', 100, 3);
    expect(d.key({ key: 'Backspace', time: 113 })).toEqual({ type: 'pass' });
    expect(d.pending).toBe('');
  });

  it('refuses bursts longer than any code', () => {
    const d = new ScanDetector();
    feed(d, 'x'.repeat(65), 0, 1);
    expect(d.key({ key: 'Enter', time: 66 })).toEqual({ type: 'pass' });
  });

  it('starts a new burst after a pause', () => {
    const d = new ScanDetector();
    feed(d, 'abc', 0, 5);
    const next = feed(d, '2000000000015', 1000, 5);
    expect(next[0]).toEqual({ type: 'char', burstStart: true, swallow: false });
    expect(d.key({ key: 'Enter', time: 1000 + 13 * 5 })).toEqual({
      type: 'scan',
      code: '2000000000015',
    });
  });
});
