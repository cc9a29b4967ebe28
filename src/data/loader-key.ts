/**
 * Typed identities of the floor's loaders. A loader is one (capability, provider, adapter
 * operation); its name is derived once for maps and DataLoader's `name`, and never parsed back.
 */
import type { Capability } from '../../adapters/contract/index.js';

export interface LoaderKey {
  readonly capability: Capability;
  readonly provider: string;
  readonly operation: string;
}

export function loaderName(key: LoaderKey): string {
  return `${key.capability}.${key.operation}@${key.provider}`;
}

/** The by-ID read a list operation's records can be primed into. */
export const BY_ID_OF_LIST: Readonly<Record<string, string>> = {
  query: 'getMany',
  queryPlans: 'getPlans',
  queryRuns: 'getRuns',
};
