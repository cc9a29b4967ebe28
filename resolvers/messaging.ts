import type { IncidentSummary } from '../adapters/contract/index.js';
import type { IncidentNode, MessageNode } from '../src/data/models.js';
import { orNull } from '../src/data/or-null.js';
import type { Resolvers } from '../src/generated/graphql.js';
import type { GatewayContext } from '../src/graphql/context.js';
import { serviceOf, teamByName } from './joins.js';
import { decodeInputId, isUserError, mutationFailure, requireText, userError } from './user-errors.js';

export const messagingResolvers: Resolvers = {
  Mutation: {
    async messageSend(_, { input }, ctx) {
      const problem =
        requireText(input.channel, ['input', 'channel'], 200) ??
        requireText(input.body, ['input', 'body'], 40_000) ??
        (input.threadId != null ? requireText(input.threadId, ['input', 'threadId'], 100) : null);
      if (problem) return { message: null, userErrors: [problem] };
      if (input.summary && !input.incidentId) {
        return {
          message: null,
          userErrors: [userError('INVALID', 'summary needs incidentId', ['input', 'summary'])],
        };
      }
      let incidentId: string | undefined;
      let summary: IncidentSummary | undefined;
      if (input.incidentId) {
        const id = decodeInputId(input.incidentId, 'Incident', ['input', 'incidentId']);
        if (isUserError(id)) return { message: null, userErrors: [id] };
        incidentId = id.nativeId;
        if (input.summary) {
          try {
            summary = await incidentSummary(ctx, await ctx.data.incidents.get(id.provider, id.nativeId));
          } catch (err) {
            return { message: null, userErrors: [mutationFailure(err, ['input', 'incidentId'])] };
          }
        }
      }
      try {
        const message = await ctx.data.messaging.send({
          channel: input.channel,
          body: input.body,
          ...(incidentId ? { incidentId } : {}),
          ...(input.threadId ? { threadId: input.threadId } : {}),
          ...(summary ? { incident: summary } : {}),
        });
        return { message, userErrors: [] };
      } catch (err) {
        return { message: null, userErrors: [mutationFailure(err)] };
      }
    },
  },
  Message: {
    source: (parent: MessageNode) => ({ provider: parent.provider, capability: 'MESSAGING', nativeId: parent.id }),
  },
};

/**
 * The incident at a glance, from the same joins the graph answers `Incident.service` and
 * `Service.onCall` with. A hop whose provider is missing or failing leaves its part out rather
 * than holding the message back.
 */
async function incidentSummary(ctx: GatewayContext, incident: IncidentNode): Promise<IncidentSummary> {
  const service = await orNull(Promise.resolve(serviceOf(ctx, incident))).catch(() => null);
  const teamName = incident.team ?? service?.team ?? null;
  const team = await orNull(Promise.resolve(teamByName(ctx, teamName))).catch(() => null);
  const members = team ? await ctx.data.teams.members(team.provider, team.id).catch(() => []) : [];
  return {
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    service: service?.name ?? incident.service ?? null,
    url: incident.url,
    onCall: members.filter((m) => m.onCallRole).map((m) => ({ name: m.name, role: m.onCallRole ?? null, url: m.url })),
    links: [
      ...(service?.url ? [{ label: `Service ${service.name}`, url: service.url }] : []),
      ...(team?.url ? [{ label: `Team ${team.name}`, url: team.url }] : []),
    ],
  };
}
