/**
 * Results are copies, so callers can never edit the world in place. World records are plain data
 * (objects, arrays, strings, numbers, booleans, null), which a direct walk copies several times
 * faster than `structuredClone`'s serialize-and-rebuild; anything else still goes through it.
 */
export function copy<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copy) as T;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = copy((value as Record<string, unknown>)[key]);
  return out as T;
}
