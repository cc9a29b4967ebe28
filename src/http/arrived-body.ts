/**
 * A JSON request body that has already arrived whole, taken without the body parser's stream. A
 * console's POST /graphql is small and comes in the packet that carries its headers, so by the time
 * it is served the whole body sits in the request's buffer; body-parser still reads it through a
 * decoder stream and a round of stream events, about 0.1 ms of CPU a request before its first
 * provider call. Only a body body-parser would read the same way is taken here: no content
 * encoding, a UTF-8 JSON content type written plainly, its declared length within the limit and
 * all of it arrived. Anything else, and a body that is not a JSON object or array, stays in (or is
 * put back into) the request for body-parser, which answers it as before.
 */
import type { IncomingMessage } from 'node:http';

/** Content types body-parser reads as UTF-8 JSON, as clients write them. */
const PLAIN_JSON = new Set([
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=UTF-8',
  'application/json;charset=utf-8',
  'application/json;charset=UTF-8',
]);

/**
 * Whether the request says it sends JSON in a form `takeArrivedJson` may read: what type-is's
 * `req.is('application/json')` answers for these headers without parsing them (a content type it
 * names and a body, which a declared length means).
 */
export function isPlainJson(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  return type !== undefined && PLAIN_JSON.has(type) && declaredLength(req) !== undefined;
}

/**
 * For a request `isPlainJson` accepted (its caller has just asked): the parsed body when it has
 * arrived whole and body-parser would parse it the same way; undefined when body-parser must read
 * it (the request is then as it was).
 */
export function takeArrivedJson(req: IncomingMessage, maxBytes: number): { body: unknown } | undefined {
  const length = declaredLength(req);
  if (length === undefined || length === 0 || length > maxBytes) return undefined;
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return undefined;
  // The parser pushes a body's bytes before it says the message is complete, and never more than
  // its declared length: that many bytes buffered are the whole body.
  if (req.readableLength !== length) return undefined;
  const bytes = req.read() as Buffer | null;
  if (bytes === null) return undefined;
  const text = bytes.toString('utf8');
  // Anything else body-parser decodes or refuses in its own way (a byte order mark, whitespace).
  const first = text[0];
  if (first === '{' || first === '[') {
    try {
      const body: unknown = JSON.parse(text);
      // Read to its end as body-parser reads it: the request then ends, and a keep-alive
      // connection goes on to the next one as it did.
      req.resume();
      return { body };
    } catch {
      // body-parser answers it, with its own error.
    }
  }
  req.unshift(bytes);
  return undefined;
}

function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) return undefined;
  const length = Number(header);
  return Number.isInteger(length) && length >= 0 ? length : undefined;
}
