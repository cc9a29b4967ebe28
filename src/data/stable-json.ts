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

/** `JSON.stringify`'s text of `value` with sorted keys; undefined where it would leave the value out. */
function write(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
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
    if (text !== undefined) out += `${out.length > 1 ? ',' : ''}${JSON.stringify(k)}:${text}`;
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
