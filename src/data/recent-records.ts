/**
 * The record each incident was last read as (by its page or in a list), for callers who may see the
 * same records (`visibilityKey`). A console reads the same pages again and again and opens incidents
 * its list showed, and everything on an incident page but the incident itself is read by what the
 * incident names (its service, its team, its time window): started from the record as last read,
 * those reads leave with the incident's own instead of a provider round trip after it. The page is
 * still answered from the record just read, whose reads follow it as they always did; where it
 * changed, only the reads made for the old one were made in vain. Bounded by count and by the
 * memory the records take (`approximateBytes`), least recently read first; a record larger than an
 * eighth of that is not kept.
 */
import { LRUCache } from 'lru-cache';
import { fitsIn } from '../largest-entry.js';
import { approximateBytes } from './approximate-bytes.js';

export class RecentRecords<R extends object> {
  private readonly records: LRUCache<string, R> | undefined;

  /** `max` 0 keeps none. */
  constructor(max: number, maxBytes: number) {
    this.records = max > 0 ? new LRUCache<string, R>({ max, maxSize: Math.max(1, maxBytes) }) : undefined;
  }

  get(visibility: string, provider: string, id: string): R | undefined {
    return this.records?.get(keyOf(visibility, provider, id));
  }

  /** The record as read now; null when the read failed, which forgets the one read before. */
  set(visibility: string, provider: string, id: string, record: R | null): void {
    if (!this.records) return;
    const key = keyOf(visibility, provider, id);
    if (record === null) {
      this.records.delete(key);
      return;
    }
    // A record read again as the same object (a cache's, a plugin's held one) is not measured again.
    if (this.records.peek(key) === record) {
      this.records.get(key);
      return;
    }
    const size = key.length + approximateBytes(record);
    if (fitsIn(this.records, size)) this.records.set(key, record, { size });
    else this.records.delete(key);
  }

  get size(): number {
    return this.records?.size ?? 0;
  }

  /** The memory the records kept take, about. */
  get bytes(): number {
    return this.records?.calculatedSize ?? 0;
  }
}

function keyOf(visibility: string, provider: string, id: string): string {
  return `${visibility}\u0000${provider}\u0000${id}`;
}
