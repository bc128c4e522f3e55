/** Relative times as the status bar and the sync panel show them. */
import { useEffect, useState } from 'react';

/** How long ago an ISO time was ("12s ago", "3 min ago", or the date and time). */
export function ago(iso: string | null, now = Date.now()): string {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return new Date(iso).toLocaleString('en-US');
}

/** Re-render every `ms` so relative times stay true: a clock on the page, not a poll. */
export function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
