import { badInput, type Page, type PageRequest, pageOf } from '../contract/index.js';
import { copy } from './copy.js';

/**
 * The contract's offset paging, refusing a page size that would make a caller's "next page" loop
 * spin forever (first ≤ 0). Only the records on the page are copied.
 */
export function page<T>(items: readonly T[], request: PageRequest): Page<T> {
  if (!Number.isInteger(request.first) || request.first < 1) throw badInput('first must be a positive integer');
  const found = pageOf(items, request);
  return { ...found, edges: found.edges.map((edge) => ({ cursor: edge.cursor, node: copy(edge.node) })) };
}
