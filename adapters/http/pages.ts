/**
 * The bound on how many pages one provider listing follows. A provider that always says there is
 * more (a bug, a proxy, a hostile fake) would otherwise keep one request — and the memory of every
 * record it reads — growing without end. Past the cap the listing fails with TOO_MANY_PAGES rather
 * than answering a silently shortened list.
 */
import { AdapterError } from '../contract/index.js';

/** Pages one listing follows unless the provider's `maxPages` config says otherwise. */
export const DEFAULT_MAX_PAGES = 50;

/** Call before fetching each page; the call for page `maxPages + 1` throws instead. */
export function pageCounter(provider: string, what: string, maxPages: number): () => void {
  let pages = 0;
  return () => {
    pages += 1;
    if (pages > maxPages) {
      throw new AdapterError(
        'TOO_MANY_PAGES',
        `${provider} still had more ${what} after ${maxPages} pages (the provider's maxPages); narrow the query or raise maxPages`,
      );
    }
  };
}
