import { badInput, type Page, type PageRequest, pageOf } from '../contract/index.js';

/**
 * The contract's offset paging, refusing a page size that would make a caller's "next page" loop
 * spin forever (first ≤ 0). Results are copies, so callers can never edit the world in place.
 */
export function page<T>(items: readonly T[], request: PageRequest): Page<T> {
  if (!Number.isInteger(request.first) || request.first < 1) throw badInput('first must be a positive integer');
  return structuredClone(pageOf(items, request));
}
