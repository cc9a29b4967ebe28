/**
 * Splits a plugin's stdout or stderr into lines without ever holding more than `maxBytes` of one
 * line. readline grows one string until V8 refuses (`RangeError: Invalid string length`), so a
 * plugin that writes without a newline would take the whole gateway down with it.
 */
import type { Readable } from 'node:stream';

export interface LineHandlers {
  line(text: string): void;
  /** A line passed `maxBytes`: `head` is its first `maxBytes` bytes; the rest, up to the next newline, is dropped as it arrives. */
  overflow(head: string): void;
}

const NEWLINE = 0x0a;

export function splitLines(stream: Readable, maxBytes: number, handlers: LineHandlers): void {
  let parts: Buffer[] = [];
  let size = 0;
  /** Inside an overlong line, whose rest is dropped. */
  let skipping = false;
  const take = (): string => {
    const text = Buffer.concat(parts, size).toString('utf8');
    parts = [];
    size = 0;
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  };
  stream.on('data', (chunk: Buffer) => {
    let start = 0;
    while (start <= chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      if (skipping) {
        // The rest of an overlong line: dropped as it arrives.
      } else if (size + end - start > maxBytes) {
        const room = maxBytes - size;
        // Copied: a slice would keep the whole chunk alive.
        parts.push(Buffer.from(chunk.subarray(start, start + room)));
        size += room;
        skipping = true;
        handlers.overflow(take());
      } else if (end > start) {
        parts.push(Buffer.from(chunk.subarray(start, end)));
        size += end - start;
      }
      if (newline === -1) return;
      if (!skipping) handlers.line(take());
      skipping = false;
      start = newline + 1;
    }
  });
  stream.on('end', () => {
    if (!skipping && size > 0) handlers.line(take());
  });
}
