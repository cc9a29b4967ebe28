/** What every record type resolves the same way: its `id` and `source`, and links that may dangle. */
import type { Capability } from '../adapters/contract/index.js';
import type { NodeKind } from '../src/data/models.js';
import { toGlobalId } from '../src/graphql/ids.js';

type Stamped = { provider: string; id: string };

/** `id` and `source` for a record type. */
export function recordFields<P extends Stamped>(kind: NodeKind, capability: Capability) {
  return {
    id: (parent: P) => toGlobalId(kind, parent.provider, parent.id),
    source: (parent: P) => ({
      provider: parent.provider,
      capability: capability.toUpperCase() as Uppercase<Capability>,
      nativeId: parent.id,
    }),
  } as const;
}
