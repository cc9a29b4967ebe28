import { keysetPage, type ListOrder, type Page, type PageRequest } from '../contract/index.js';
import { copy } from './copy.js';

/** The contract's keyset paging; only the records on the page are copied. */
export function page<T extends { id: string }>(
  items: readonly T[],
  request: PageRequest,
  order: ListOrder<T>,
): Page<T> {
  const found = keysetPage(items, request, order);
  return { ...found, nodes: found.nodes.map(copy) };
}
