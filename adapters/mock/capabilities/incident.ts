import {
  type Incident,
  type IncidentCapability,
  type IncidentQuery,
  incidentMatches,
  LIST_ORDERS,
  notFound,
  settleEach,
  sortInOrder,
} from '../../contract/index.js';
import { copy } from '../copy.js';
import type { OpsContext } from '../ops/context.js';
import { forCall } from '../ops/context.js';
import { appendTimeline, createIncident, updateIncident } from '../ops/incidents.js';
import { page } from '../paging.js';
import { parseRange, worldDirectory } from '../scope.js';

export function incidentCapability(ctx: OpsContext): IncidentCapability {
  const { world } = ctx;
  const matches = (query: IncidentQuery) => {
    // Checked here so a bad range is this query's error; the shared predicate compares instants.
    if (query.createdWithin) parseRange(query.createdWithin, 'createdWithin');
    const directory = worldDirectory(world);
    return (i: Incident) => incidentMatches(i, query, directory);
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
