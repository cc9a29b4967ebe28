import { badInput } from '../../contract/index.js';
import type { EventBus } from '../events.js';
import type { World } from '../world/index.js';

/** What every mutation needs: the world it changes and where to announce the change. */
export interface OpsContext {
  world: World;
  bus: EventBus;
}

/** Who the mock records as the actor of changes made through the gateway. */
export const GATEWAY_ACTOR = 'OpsOrch Gateway';

export function requireText(value: string | null | undefined, field: string): string {
  const text = value?.trim() ?? '';
  if (text.length === 0) throw badInput(`${field} must not be blank`);
  return text;
}
