/**
 * JSON with object keys sorted, so equal queries make equal cache keys. Written out rather than
 * as `JSON.stringify` with a replacer: the replacer is a call from V8's serializer back into
 * JavaScript for every value, plus a sorted copy of every object, and the floor computes a key for
 * each list read of a page several times over (loader, read cache, single-flight). The text is
 * `JSON.stringify`'s of the sorted copy.
 */
export function stableStringify(value: unknown): string {
  return write(value, '') as string;
}

/**
 * `JSON.stringify`'s text of a string: as it is between quotes when every character is printable
 * ASCII other than a quote or a backslash (every key and nearly every value of a query), else
 * `JSON.stringify`'s, whose call from JavaScript costs more than the scan.
 */
function quote(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/** `JSON.stringify`'s text of `value` with sorted keys; undefined where it would leave the value out. */
function write(value: unknown, key: string): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      // As JSON.stringify: NaN and the infinities are null, -0 is 0 (as String writes it).
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return JSON.stringify(value);
  }
  if (value === null) return 'null';
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return write(toJSON.call(value, key), key);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += `${i > 0 ? ',' : ''}${write(value[i], String(i)) ?? 'null'}`;
    return `${out}]`;
  }
  let out = '{';
  for (const k of Object.keys(value).sort()) {
    const text = write((value as Record<string, unknown>)[k], k);
    if (text !== undefined) out += `${out.length > 1 ? ',' : ''}${quote(k)}:${text}`;
  }
  return `${out}}`;
}

const known = new WeakMap<object, string>();

/**
 * `stableStringify` of a query object, computed once per object: the same query reaches the
 * loader, the read cache and single-flight, each of which keys it. A query is never changed once
 * it has been asked.
 */
export function queryKey(query: unknown): string {
  if (typeof query !== 'object' || query === null) return stableStringify(query);
  let key = known.get(query);
  if (key === undefined) {
    key = stableStringify(query);
    known.set(query, key);
  }
  return key;
}
