import { createdIn, type TimeRange } from '../contract/index.js';

/**
 * True when an ISO timestamp lies in [start, end] (`createdIn`); an absent window lets everything
 * through, an absent timestamp does not.
 */
export function within(at: string | null | undefined, range: TimeRange | undefined): boolean {
  if (!range) return true;
  return !!at && createdIn(at, range);
}
