import { badInput } from '../../contract/index.js';
import type { EventBus } from '../events.js';
import type { World } from '../world/index.js';

/** What every mutation needs: the world it changes and where to announce the change. */
export interface OpsContext {
  world: World;
  bus: EventBus;
  /** Who a change made through the gateway is for (the caller's token name or JWT subject). */
  actor?: string;
}

/** Who the mock records as the actor of changes made through the gateway for nobody in particular. */
export const GATEWAY_ACTOR = 'OpsOrch Gateway';

export function actorOf(ctx: OpsContext): string {
  return ctx.actor ?? GATEWAY_ACTOR;
}

/** The ops context of one call: the caller named in the call context becomes the actor. */
export function forCall(ctx: OpsContext, call: { actor?: string } | undefined): OpsContext {
  return call?.actor ? { ...ctx, actor: call.actor } : ctx;
}

export function requireText(value: string | null | undefined, field: string): string {
  const text = value?.trim() ?? '';
  if (text.length === 0) throw badInput(`${field} must not be blank`);
  return text;
}
