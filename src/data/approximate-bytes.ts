/**
 * About how much memory a provider's answer holds, for the caches that keep answers: a bound on
 * entries alone lets a provider's large answers (a team of thousands, an incident with a long
 * description, a page of records) take as much memory as they like. Counted as V8 holds a parsed
 * JSON value: each string its characters and a header, each object and array a header and a slot
 * per member (property names are shared between records of one shape, so not counted). Every
 * object counts once however often it is reached, so a shared value counts as held, and a cyclic
 * one ends the walk.
 */
const HEADER = 16;
const SLOT = 8;

export function approximateBytes(value: unknown): number {
  const seen = new Set<object>();
  const pending: unknown[] = [value];
  let bytes = 0;
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'string') {
      bytes += HEADER + item.length;
      continue;
    }
    if (typeof item !== 'object' || item === null) {
      bytes += SLOT;
      continue;
    }
    if (seen.has(item)) continue;
    seen.add(item);
    bytes += HEADER;
    if (Array.isArray(item)) {
      bytes += SLOT * item.length;
      for (const member of item) pending.push(member);
      continue;
    }
    for (const key in item) {
      bytes += 2 * SLOT;
      pending.push((item as Record<string, unknown>)[key]);
    }
  }
  return bytes;
}
