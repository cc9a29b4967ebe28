import {
  type Incident,
  type IncidentCapability,
  type IncidentQuery,
  LIST_ORDERS,
  matchesText,
  notFound,
  settleEach,
  sortInOrder,
} from '../../contract/index.js';
import { copy } from '../copy.js';
import type { OpsContext } from '../ops/context.js';
import { forCall } from '../ops/context.js';
import { appendTimeline, createIncident, updateIncident } from '../ops/incidents.js';
import { page } from '../paging.js';
import { assigneeMatches, inScope, oneOf, parseRange, within } from '../scope.js';

export function incidentCapability(ctx: OpsContext): IncidentCapability {
  const { world } = ctx;
  const matches = (query: IncidentQuery) => {
    const created = query.createdWithin ? parseRange(query.createdWithin, 'createdWithin') : undefined;
    return (i: Incident) =>
      inScope(world, i, query.scope) &&
      oneOf(i.status, query.statuses) &&
      oneOf(i.severity, query.severities) &&
      assigneeMatches(world, i.assignees, query.assignees) &&
      matchesText(query.query, i.title, i.description) &&
      within(i.createdAt, created);
  };
  return {
    query: (queries) =>
      settleEach(queries, (query) => {
        const found = world.incidents.filter(matches(query));
        return page(found, query, LIST_ORDERS.incidents);
      }),
    getMany: async (ids) => {
      const byId = new Map(world.incidents.map((i) => [i.id, i]));
      return ids.map((id) => {
        const incident = byId.get(id);
        return incident ? copy(incident) : notFound('incident', id);
      });
    },
    create: async (input, call) => copy(createIncident(forCall(ctx, call), input)),
    update: async (id, input, call) => copy(updateIncident(forCall(ctx, call), id, input)),
    timelines: async (ids) =>
      ids.map((id) => {
        const timeline = world.timelines.get(id);
        if (!timeline) return notFound('incident', id);
        return sortInOrder(copy(timeline), LIST_ORDERS.timeline);
      }),
    appendTimeline: async (incidentId, entry, call) => copy(appendTimeline(forCall(ctx, call), incidentId, entry)),
  };
}
