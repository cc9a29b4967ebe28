/**
 * A record copied with the provider instance that answered it. Not `{ ...record, provider }`: on
 * Node 20 an object spread followed by a property the source lacks takes microseconds and leaves
 * copies that survive young-generation collections (measured 4-9 µs a record against 0.4 µs this
 * way), and every record of every page passes here. Spread into the literal after `provider` keeps
 * the spread's define semantics (a `__proto__` key from a provider's JSON stays a plain key); the
 * provider wins over a `provider` key of the record's own, as it did.
 */
export function stamp<T extends object>(record: T, provider: string): T & { provider: string } {
  return Object.isFrozen(record) ? stampHeld(record, provider) : withProvider(record, provider);
}

function withProvider<T extends object>(record: T, provider: string): T & { provider: string } {
  const stamped = { provider, ...record } as T & { provider: string };
  if (stamped.provider !== provider) stamped.provider = provider;
  return stamped;
}

/**
 * Stamped copies of frozen records: an adapter's records made once from an answer it holds
 * (`adapters/plugin/normalized-once.ts`), shared by every request that reads the answer. Their copy
 * is made once too, frozen like them, and goes when the record does.
 */
const stampedHeld = new WeakMap<object, { provider: string }>();

function stampHeld<T extends object>(record: T, provider: string): T & { provider: string } {
  const known = stampedHeld.get(record);
  if (known?.provider === provider) return known as T & { provider: string };
  const stamped = Object.freeze(withProvider(record, provider));
  stampedHeld.set(record, stamped);
  return stamped;
}

/** A team member with the provider that answered and the team it was read for, the same way. */
export function stampMember<T extends object>(
  member: T,
  provider: string,
  teamId: string,
): T & { provider: string; teamId: string } {
  const stamped = { provider, teamId, ...member } as T & { provider: string; teamId: string };
  if (stamped.provider !== provider) stamped.provider = provider;
  if (stamped.teamId !== teamId) stamped.teamId = teamId;
  return stamped;
}
