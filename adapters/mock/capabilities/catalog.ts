/** Services, teams and their members: the catalogue other capabilities join through. */
import {
  LIST_ORDERS,
  matchesText,
  notFound,
  type Service,
  type ServiceCapability,
  settleEach,
  type Team,
  type TeamCapability,
} from '../../contract/index.js';
import { copy } from '../copy.js';
import type { OpsContext } from '../ops/context.js';
import { page } from '../paging.js';
import { findService, findTeam, inScope } from '../scope.js';
import { membersAt, nextShiftsAt } from '../world/rotation.js';

export function serviceCapability({ world }: OpsContext): ServiceCapability {
  return {
    query: (queries) =>
      settleEach(queries, (query) => {
        const named = query.names?.length ? new Set(query.names.map((n) => findService(world, n))) : undefined;
        const found: Service[] = world.services
          .filter(
            (r) =>
              (!named || named.has(r)) &&
              inScope(world, { ...r.service, service: r.service.name }, query.scope) &&
              matchesText(query.query, r.service.name, r.service.description, ...(r.service.aliases ?? [])),
          )
          .map((r) => r.service);
        return page(found, query, LIST_ORDERS.services);
      }),
    getMany: async (ids) =>
      ids.map((id) => {
        const record = world.services.find((r) => r.service.id === id);
        return record ? copy(record.service) : notFound('service', id);
      }),
  };
}

/** The team a record's reference names: its ID, else its name or handle. */
function referencedTeam(world: OpsContext['world'], reference: string) {
  const lower = reference.toLowerCase();
  return world.teams.find((r) => r.team.id.toLowerCase() === lower) ?? findTeam(world, reference);
}

export function teamCapability({ world }: OpsContext): TeamCapability {
  return {
    query: (queries) =>
      settleEach(queries, (query) => {
        const named = query.names?.length ? new Set(query.names.map((n) => findTeam(world, n))) : undefined;
        const found: Team[] = world.teams
          .filter(
            (r) => (!named || named.has(r)) && matchesText(query.query, r.team.name, r.team.handle, r.team.description),
          )
          .map((r) => r.team);
        return page(found, query, LIST_ORDERS.teams);
      }),
    getMany: async (ids) =>
      ids.map((id) => {
        const record = world.teams.find((r) => r.team.id === id);
        return record ? copy(record.team) : notFound('team', id);
      }),
    members: async (teamIds) => {
      const now = world.clock.now();
      return teamIds.map((id) => {
        const record = world.teams.find((r) => r.team.id === id);
        return record ? copy(membersAt(record, world.anchor, now)) : notFound('team', id);
      });
    },
    membersByReference: async (references) => {
      const now = world.clock.now();
      return references.map((reference) => {
        const record = referencedTeam(world, reference);
        return record
          ? { teamId: record.team.id, members: copy(membersAt(record, world.anchor, now)) }
          : notFound('team', reference);
      });
    },
    nextOnCallByReference: async (references) => {
      const now = world.clock.now();
      return references.map((reference) => {
        const record = referencedTeam(world, reference);
        return record
          ? { teamId: record.team.id, shifts: copy(nextShiftsAt(record, world.anchor, now)) }
          : notFound('team', reference);
      });
    },
    nextOnCall: async (teamIds) => {
      const now = world.clock.now();
      return teamIds.map((id) => {
        const record = world.teams.find((r) => r.team.id === id);
        return record ? copy(nextShiftsAt(record, world.anchor, now)) : notFound('team', id);
      });
    },
  };
}
