/**
 * `value` and everything in it made read-only, for data shared by requests that must not change it
 * for one another: a plugin's records held from one reading to the next, a field's literal
 * arguments. Plain data only (objects, arrays, primitives); an object already frozen is taken as
 * frozen through, which also ends a cycle.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (const item of value) deepFreeze(item);
  } else {
    for (const key in value) deepFreeze(value[key]);
  }
  return value;
}
