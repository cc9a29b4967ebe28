/**
 * Splits a plugin's stdout or stderr into lines without ever holding more than `maxBytes` of one
 * line. readline grows one string until V8 refuses (`RangeError: Invalid string length`), so a
 * plugin that writes without a newline would take the whole gateway down with it.
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

export interface LineHandlers {
  line(text: string): void;
  /** A line passed `maxBytes`: `head` is its first `maxBytes` bytes; the rest, up to the next newline, is dropped as it arrives. */
  overflow(head: string): void;
}

const NEWLINE = 0x0a;

export function splitLines(stream: Readable, maxBytes: number, handlers: LineHandlers): void {
  // Decoded as the bytes arrive (a character split across chunks is held by the decoder), so a
  // line spread over many chunks is neither copied nor joined as bytes before it is decoded.
  const decoder = new StringDecoder('utf8');
  let text = '';
  /** Bytes of the current line so far. */
  let size = 0;
  /** Inside an overlong line, whose rest is dropped. */
  let skipping = false;
  const take = (): string => {
    const line = size === 0 ? '' : text + decoder.end();
    text = '';
    size = 0;
    return line.endsWith('\r') ? line.slice(0, -1) : line;
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
        text += decoder.write(chunk.subarray(start, start + room));
        size += room;
        skipping = true;
        handlers.overflow(take());
      } else if (newline !== -1 && size === 0) {
        // The whole line is in this chunk: the common case, decoded in one step.
        const line = chunk.toString('utf8', start, end);
        handlers.line(line.endsWith('\r') ? line.slice(0, -1) : line);
        start = newline + 1;
        continue;
      } else if (end > start) {
        // Decoded now: a string holds no reference to the chunk.
        text += decoder.write(chunk.subarray(start, end));
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
