/** `incidentStats` of a service or a team: the figures of an on-call review, from the data floor. */
import type { Scope, TimeRange } from '../adapters/contract/index.js';
import type { GatewayContext } from '../src/graphql/context.js';
import { checkRange } from './arguments.js';

const WEEK = 7 * 86_400_000;

/** The last 7 days unless the caller gives a range. */
function statsRange(range: TimeRange | null | undefined): TimeRange {
  const checked = checkRange(range, 'range');
  if (checked) return checked;
  const end = Date.now();
  return { start: new Date(end - WEEK).toISOString(), end: new Date(end).toISOString() };
}

export async function incidentStatsOf(ctx: GatewayContext, scope: Scope, range: TimeRange | null | undefined) {
  const createdWithin = statsRange(range);
  const stats = await ctx.data.incidents.stats({ scope, createdWithin });
  return { range: createdWithin, ...stats };
}
