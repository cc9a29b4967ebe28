/** Matching records against the filters every query shares. */
import { badInput, type Scope, type TimeRange } from '../contract/index.js';
import type { World } from './world/index.js';
import type { ServiceRecord } from './world/services.js';
import type { TeamRecord } from './world/teams.js';

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** A service by canonical name or any alias, case-insensitively. */
export function findService(world: World, name: string | null | undefined): ServiceRecord | undefined {
  if (!name) return undefined;
  return world.services.find((r) => same(r.service.name, name) || (r.service.aliases ?? []).some((a) => same(a, name)));
}

/** A team by name or handle, case-insensitively. */
export function findTeam(world: World, value: string | null | undefined): TeamRecord | undefined {
  if (!value) return undefined;
  return world.teams.find((r) => same(r.team.name, value) || (r.team.handle ? same(r.team.handle, value) : false));
}

export interface Scoped {
  service?: string | null;
  team?: string | null;
  environment?: string | null;
}

/**
 * Whether a record falls in the scope. Team and environment default to the record's service's,
 * because alerts, tickets and deployments name only a service.
 */
export function inScope(world: World, record: Scoped, scope: Scope | undefined): boolean {
  if (!scope) return true;
  const service = findService(world, record.service);
  if (scope.service) {
    if (!record.service) return false;
    const wanted = findService(world, scope.service);
    if (wanted && service ? wanted !== service : !same(scope.service, record.service)) return false;
  }
  if (scope.team) {
    const team = record.team ?? service?.service.team;
    if (!team) return false;
    const wanted = findTeam(world, scope.team);
    const actual = findTeam(world, team);
    if (wanted && actual ? wanted !== actual : !same(scope.team, team)) return false;
  }
  if (scope.environment) {
    const environment = record.environment ?? service?.service.environment;
    if (!environment || !same(environment, scope.environment)) return false;
  }
  return true;
}

/** The catalogue services a scope selects (for logs and metrics, which are per service). */
export function servicesInScope(world: World, scope: Scope | undefined): ServiceRecord[] {
  return world.services.filter((r) =>
    inScope(world, { service: r.service.name, environment: r.service.environment }, scope),
  );
}

export interface Range {
  start: number;
  end: number;
}

export function parseRange(range: TimeRange, field: string): Range {
  const start = Date.parse(range.start);
  const end = Date.parse(range.end);
  if (Number.isNaN(start)) throw badInput(`${field}.start is not a valid timestamp`);
  if (Number.isNaN(end)) throw badInput(`${field}.end is not a valid timestamp`);
  if (start > end) throw badInput(`${field}.start must not be after ${field}.end`);
  return { start, end };
}

export function within(at: string, range: Range | undefined): boolean {
  if (!range) return true;
  const t = Date.parse(at);
  return t >= range.start && t <= range.end;
}

/** Whether [start, end ?? forever] touches the range. */
export function overlaps(start: string, end: string | null | undefined, range: Range | undefined): boolean {
  if (!range) return true;
  return Date.parse(start) <= range.end && (end ? Date.parse(end) : Number.POSITIVE_INFINITY) >= range.start;
}

export function oneOf<T>(value: T, allowed: readonly T[] | undefined): boolean {
  return !allowed || allowed.length === 0 || allowed.includes(value);
}

/**
 * Assignees are stored by display name; filters may name people by name, handle or email.
 * A record matches when any of its assignees is any of the wanted people.
 */
export function assigneeMatches(
  world: World,
  assignees: readonly (string | null | undefined)[],
  wanted: readonly string[] | undefined,
): boolean {
  if (!wanted || wanted.length === 0) return true;
  const people = wanted.map((w) => w.toLowerCase());
  return assignees.some((name) => {
    if (!name) return false;
    const keys = [name.toLowerCase()];
    for (const team of world.teams) {
      for (const member of team.members) {
        if (same(member.name, name))
          keys.push(...[member.email, member.handle].filter((k): k is string => !!k).map((k) => k.toLowerCase()));
      }
    }
    return keys.some((k) => people.includes(k));
  });
}

/** A person by name, handle or email, to store them the way generated records do (by name). */
export function canonicalPerson(world: World, value: string): string {
  for (const team of world.teams) {
    for (const member of team.members) {
      if ([member.name, member.handle, member.email].some((k) => k && same(k, value))) return member.name;
    }
  }
  return value;
}
