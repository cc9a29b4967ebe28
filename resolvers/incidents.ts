import type { IncidentStatus, IncidentUpdate, TimeRange } from '../adapters/contract/index.js';
import { LIST_ORDERS } from '../adapters/contract/index.js';
import { timestampMillis } from '../adapters/contract/timestamps.js';
import type { IncidentNode } from '../src/data/models.js';
import type { IncidentFilter, Resolvers } from '../src/generated/graphql.js';
import { type ConnectionArgs, connection, connectionOf, emptyConnection } from '../src/graphql/connection.js';
import type { GatewayContext } from '../src/graphql/context.js';
import { badUserInput } from '../src/graphql/errors.js';
import { expectGlobalId, type GlobalId, timelineEntryNativeId, toGlobalId } from '../src/graphql/ids.js';
import {
  type EarlyResolver,
  type LookaheadInfo,
  startEarly,
  startOnArrival,
  startUnder,
} from '../src/graphql/lookahead.js';
import { checkRange, compact, toScope } from './arguments.js';
import { canonicalService, serviceOf, teamByName } from './joins.js';
import { logsFor } from './logs.js';
import { metricsFor } from './metrics.js';
import { recordFields } from './records.js';
import { byServiceRecord } from './services.js';
import { decodeInputId, isUserError, mutationFailure, requireText, userError } from './user-errors.js';

const HALF_HOUR = 30 * 60_000;

/** Each incident record's window as last computed, with the instant it was computed for. */
const windows = new WeakMap<IncidentNode, { now: number; start: string; end: string }>();

/**
 * From half an hour before creation (to catch the lead-up) until resolution or now, as the
 * floor tells the time for live windows (see `RequestData.liveNow`). A page asks it of one record
 * for several fields (the window, alerts, metrics, logs) at one `now`, so it is computed once per
 * record and instant: parsing and printing timestamps was most of its cost.
 */
export function incidentWindow(incident: IncidentNode, now: number): TimeRange {
  let known = windows.get(incident);
  if (known === undefined || (known.now !== now && !incident.resolvedAt)) {
    const start = timestampMillis(incident.createdAt) - HALF_HOUR;
    const end = incident.resolvedAt ? timestampMillis(incident.resolvedAt) : now;
    known = { now, start: new Date(start).toISOString(), end: new Date(Math.max(end, start)).toISOString() };
    windows.set(incident, known);
  }
  return { start: known.start, end: known.end };
}

/** The incident's team: the one it names, else its service's. */
async function incidentTeam(ctx: GatewayContext, incident: IncidentNode, info: LookaheadInfo) {
  if (incident.team) return teamByName(ctx, incident.team, info);
  const service = await serviceOf(ctx, incident);
  return teamByName(ctx, service?.team, info);
}

export function incidentQuery(filter: IncidentFilter | null | undefined) {
  const f = compact(filter);
  return {
    ...f,
    scope: toScope(filter?.scope),
    createdWithin: checkRange(filter?.createdWithin, 'filter.createdWithin'),
  };
}

/** Applies an update through the floor, which announces what it changed. */
async function updateIncident(ctx: GatewayContext, id: GlobalId, update: IncidentUpdate) {
  try {
    return { incident: await ctx.data.incidents.update(id.provider, id.nativeId, update), userErrors: [] };
  } catch (err) {
    return { incident: null, userErrors: [mutationFailure(err, ['input', 'id'])] };
  }
}

/** The incident status changes a shortcut mutation makes, through the generic update. */
function statusMutation(status: IncidentStatus) {
  return async (_: unknown, { input }: { input: { id: string; note?: string | null } }, ctx: GatewayContext) => {
    const id = decodeInputId(input.id, 'Incident', ['input', 'id']);
    if (isUserError(id)) return { incident: null, userErrors: [id] };
    return updateIncident(ctx, id, { status, ...(input.note ? { note: input.note } : {}) });
  };
}

interface IncidentIdentity {
  provider: string;
  id: string;
}

/** The incident's children that need only its provider and ID: they start with the incident itself. */
const byIncidentId = {
  async timeline(parent: IncidentIdentity, args: ConnectionArgs, ctx: GatewayContext) {
    return connectionOf(
      await ctx.data.incidents.timeline(parent.provider, parent.id),
      args,
      LIST_ORDERS.timeline,
      parent.provider,
    );
  },
  async tickets(parent: IncidentIdentity, { first, after }: ConnectionArgs, ctx: GatewayContext) {
    return connection({ first, after }, LIST_ORDERS.tickets, (page) =>
      ctx.data.tickets.list({ incidentId: parent.id, ...page }),
    );
  },
  async orchestrationRuns(parent: IncidentIdentity, { first, after }: ConnectionArgs, ctx: GatewayContext) {
    return connection({ first, after }, LIST_ORDERS.runs, (page) =>
      ctx.data.orchestration.runs({
        incidentId: parent.id,
        ...page,
      }),
    );
  },
};

/**
 * An incident read with everything its selection (`info`, on the Incident type) needs started as
 * early as it can be: `incident(id:)` and `node(id:)` alike. The incident is asked for before its
 * children: a provider that answers one call at a time (an OpsOrch plugin) then answers the
 * incident, which the rest of the page waits for, first. Its children keyed by its ID are begun
 * only once its read has gone: they arrive with it and never hold the page back, while the time
 * spent beginning them would hold back the incident.
 */
export function incidentPage(
  ctx: GatewayContext,
  info: LookaheadInfo,
  provider: string,
  nativeId: string,
): Promise<IncidentNode> {
  const lastRead = ctx.data.incidents.lastRead(provider, nativeId);
  const incident = ctx.data.incidents.get(provider, nativeId);
  if (lastRead) ctx.data.incidents.judgeGuess(lastRead, incident, sameRecordInputs);
  ctx.data.afterSent(() => {
    startEarly(info, { provider, id: nativeId }, ctx, byIncidentId);
    // A page read before: the reads its record names go out from the record as last read, with
    // the incident's own. When it arrives its children find them made, unless it changed.
    if (lastRead) ctx.data.promptly(() => startEarly(info, lastRead, ctx, byIncidentRecord));
  });
  startOnArrival(info, incident, ctx, byIncidentRecord, (start) => ctx.data.promptly(start));
  return incident;
}

export const incidentResolvers: Resolvers = {
  Query: {
    async incidents(_, { filter, first, after }, ctx) {
      return connection({ first, after }, LIST_ORDERS.incidents, (page) =>
        ctx.data.incidents.list({
          ...incidentQuery(filter),
          ...page,
        }),
      );
    },
    async incident(_, { id }, ctx, info) {
      const global = expectGlobalId(id, 'Incident');
      return incidentPage(ctx, info, global.provider, global.nativeId);
    },
  },

  Incident: {
    ...recordFields<IncidentNode>('Incident', 'incident'),
    window: (parent, _, ctx) => incidentWindow(parent, ctx.data.liveNow()),
    service: (parent, _, ctx) => serviceOf(ctx, parent),
    team: (parent, _, ctx, info) => incidentTeam(ctx, parent, info),
    ...byIncidentId,
    async alerts(parent, { first, after }, ctx) {
      const service = canonicalService(ctx, parent);
      if (!service) return emptyConnection();
      return connection({ first, after }, LIST_ORDERS.alerts, (page) =>
        ctx.data.alerts.list({
          scope: { service },
          activeWithin: incidentWindow(parent, ctx.data.liveNow()),
          ...page,
        }),
      );
    },
    async deployments(parent, { hoursBefore, first, after }, ctx) {
      const service = canonicalService(ctx, parent);
      if (!service) return emptyConnection();
      if (hoursBefore < 0 || hoursBefore > 24 * 30) {
        throw badUserInput('hoursBefore must be between 0 and 720', 'hoursBefore');
      }
      const created = timestampMillis(parent.createdAt);
      return connection({ first, after }, LIST_ORDERS.deployments, (page) =>
        ctx.data.deployments.list({
          scope: { service },
          startedWithin: {
            start: new Date(created - hoursBefore * 3_600_000).toISOString(),
            end: parent.createdAt,
          },
          ...page,
        }),
      );
    },
    metrics(parent, { names, step }, ctx) {
      const service = canonicalService(ctx, parent);
      return service ? metricsFor(ctx, { service }, names, incidentWindow(parent, ctx.data.liveNow()), step) : [];
    },
    logs(parent, { query, limit }, ctx) {
      const service = canonicalService(ctx, parent);
      const window = incidentWindow(parent, ctx.data.liveNow());
      return logsFor(ctx, { ...(query ? { query } : {}), scope: service ? { service } : undefined, ...window, limit });
    },
  },

  TimelineEntry: {
    id: (parent) => toGlobalId('TimelineEntry', parent.provider, timelineEntryNativeId(parent.incidentId, parent.id)),
    source: (parent) => ({
      provider: parent.provider,
      capability: 'INCIDENT',
      nativeId: parent.id,
    }),
    incident: (parent, _, ctx) => ctx.data.incidents.get(parent.provider, parent.incidentId),
  },

  Mutation: {
    async incidentCreate(_, { input }, ctx) {
      const blank = requireText(input.title, ['input', 'title'], 500);
      if (blank) return { incident: null, userErrors: [blank] };
      try {
        const incident = await ctx.data.incidents.create({
          ...compact({ ...input, fields: undefined }),
          title: input.title.trim(),
          ...(input.fields ? { fields: input.fields as Record<string, unknown> } : {}),
        });
        return { incident, userErrors: [] };
      } catch (err) {
        return { incident: null, userErrors: [mutationFailure(err)] };
      }
    },

    async incidentUpdate(_, { input }, ctx) {
      const id = decodeInputId(input.id, 'Incident', ['input', 'id']);
      if (isUserError(id)) return { incident: null, userErrors: [id] };
      if (input.title !== undefined && input.title !== null) {
        const blank = requireText(input.title, ['input', 'title'], 500);
        if (blank) return { incident: null, userErrors: [blank] };
      }
      const { id: _id, fields, ...changes } = input;
      const update = { ...compact(changes), ...(fields ? { fields: fields as Record<string, unknown> } : {}) };
      if (Object.keys(update).length === 0) {
        return {
          incident: null,
          userErrors: [userError('BLANK', 'nothing to update: give at least one field', ['input'])],
        };
      }
      return updateIncident(ctx, id, update);
    },

    incidentAcknowledge: statusMutation('ACKNOWLEDGED'),
    incidentResolve: statusMutation('RESOLVED'),

    async incidentTimelineAppend(_, { input }, ctx) {
      const id = decodeInputId(input.incidentId, 'Incident', ['input', 'incidentId']);
      if (isUserError(id)) return { entry: null, userErrors: [id] };
      const blank = requireText(input.body, ['input', 'body']);
      if (blank) return { entry: null, userErrors: [blank] };
      try {
        const entry = await ctx.data.incidents.appendTimeline(id.provider, id.nativeId, {
          kind: input.kind ?? 'NOTE',
          body: input.body,
        });
        return { entry, userErrors: [] };
      } catch (err) {
        return { entry: null, userErrors: [mutationFailure(err, ['input', 'incidentId'])] };
      }
    },
  },
};

/**
 * The incident's children that need its record (its service, team and time window), as the
 * look-ahead calls them the moment it arrives. Its service and team start their own children as
 * soon as they have a record (the service's alerts, tickets and deployments; the team's members),
 * instead of a level later when GraphQL resolves them.
 */
const incidentFields = incidentResolvers.Incident as Record<string, EarlyResolver<IncidentNode, GatewayContext>>;
const byIncidentRecord: Readonly<Partial<Record<string, EarlyResolver<IncidentNode, GatewayContext>>>> = {
  ...Object.fromEntries(['alerts', 'deployments', 'metrics', 'logs'].map((field) => [field, incidentFields[field]])),
  service(parent, _, ctx, info) {
    const service = serviceOf(ctx, parent);
    startUnder(info, service, ctx, byServiceRecord, (start) => ctx.data.promptly(start));
    return service;
  },
  team: (parent, _, ctx, info) => incidentTeam(ctx, parent, info),
};

/** Whether two records of an incident give `byIncidentRecord`'s reads the same inputs: its service, team and window. */
function sameRecordInputs(a: IncidentNode, b: IncidentNode): boolean {
  return a.service === b.service && a.team === b.team && a.createdAt === b.createdAt && a.resolvedAt === b.resolvedAt;
}
