/**
 * What the list filters mean, as one predicate: adapters that filter in process (the mock world)
 * and the gateway's subscriptions (`incidentUpdated(filter)`) both call it, so a filter selects the
 * same incidents whether they are listed or watched. The names a filter uses (a service alias, a
 * team handle, a person's email) are looked up in a `FilterDirectory` the caller provides: the
 * mock's from its world, the gateway's from the service and team providers.
 */
import type { Incident, IncidentQuery, PageRequest, Scope, TimeRange } from './models.js';
import { matchesText } from './paging.js';
import { timestampMillis } from './timestamps.js';

export interface DirectoryService {
  /** Canonical name: two names refer to the same service when they resolve to the same one. */
  name: string;
  team?: string | null;
  environment?: string | null;
}

export interface FilterDirectory {
  /** The service a name or alias refers to; undefined when none does. */
  service(name: string): DirectoryService | undefined;
  /** The canonical name of the team a name or handle refers to; undefined when none does. */
  team(name: string): string | undefined;
  /** Every name a person is known by (display name, handle, email), given one of them. */
  person(name: string): readonly string[];
}

/** The place a record says it belongs to; team and environment default to its service's. */
export interface Placed {
  service?: string | null;
  team?: string | null;
  environment?: string | null;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Two names of one kind refer to the same thing: resolved alike when both resolve, else spelled alike. */
function sameThing(resolve: (name: string) => string | undefined, wanted: string, actual: string): boolean {
  const a = resolve(wanted);
  const b = resolve(actual);
  return a !== undefined && b !== undefined ? same(a, b) : same(wanted, actual);
}

export function inScope(record: Placed, scope: Scope | undefined, directory: FilterDirectory): boolean {
  if (!scope) return true;
  const service = record.service ? directory.service(record.service) : undefined;
  if (scope.service) {
    if (!record.service) return false;
    if (!sameThing((n) => directory.service(n)?.name, scope.service, record.service)) return false;
  }
  if (scope.team) {
    const team = record.team ?? service?.team;
    if (!team || !sameThing((n) => directory.team(n), scope.team, team)) return false;
  }
  if (scope.environment) {
    const environment = record.environment ?? service?.environment;
    if (!environment || !same(environment, scope.environment)) return false;
  }
  return true;
}

export function oneOf<T>(value: T, allowed: readonly T[] | undefined): boolean {
  return !allowed || allowed.length === 0 || allowed.includes(value);
}

/** Whether any of the record's assignees is any of the wanted people, by any name they go by. */
export function assigneesMatch(
  assignees: readonly (string | null | undefined)[],
  wanted: readonly string[] | undefined,
  directory: FilterDirectory,
): boolean {
  if (!wanted || wanted.length === 0) return true;
  const people = wanted.map((w) => w.toLowerCase());
  return assignees.some(
    (name) => !!name && [name, ...directory.person(name)].some((key) => people.includes(key.toLowerCase())),
  );
}

/** Whether an ISO timestamp lies in the range, ends included; no range lets everything through. */
export function createdIn(at: string, range: TimeRange | undefined): boolean {
  if (!range) return true;
  const t = timestampMillis(at);
  return t >= timestampMillis(range.start) && t <= timestampMillis(range.end);
}

/** What selects incidents: an incident query without its paging. */
export type IncidentFilter = Omit<IncidentQuery, keyof PageRequest>;

/** `IncidentFilter`, every field of it. */
export function incidentMatches(incident: Incident, query: IncidentFilter, directory: FilterDirectory): boolean {
  return (
    inScope(incident, query.scope, directory) &&
    oneOf(incident.status, query.statuses) &&
    oneOf(incident.severity, query.severities) &&
    assigneesMatch(incident.assignees, query.assignees, directory) &&
    matchesText(query.query, incident.title, incident.description) &&
    createdIn(incident.createdAt, query.createdWithin)
  );
}
