import { timestampMillis } from '../contract/index.js';

/** True when an ISO timestamp lies in [start, end]; an absent window lets everything through. */
export function within(at: string | null | undefined, range: { start: string; end: string } | undefined): boolean {
  if (!range) return true;
  if (!at) return false;
  const t = timestampMillis(at);
  return t >= timestampMillis(range.start) && t <= timestampMillis(range.end);
}
