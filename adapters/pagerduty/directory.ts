/**
 * Services, teams and priorities by name. Filters and creates name services and teams; PagerDuty
 * wants IDs. One list call (all its pages) answers every name of a batch, and the answer is reused
 * for a short while, so a page of incidents filtered by ten services costs one services listing,
 * not ten searches.
 */
import { AdapterError } from '../contract/index.js';
import { listAll, type PagerDutyHttp, type PdPriority, type PdService, type PdTeam } from './api.js';

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

export class Directory {
  private services?: Cached<PdService[]>;
  private teams?: Cached<PdTeam[]>;
  private priorities?: Cached<PdPriority[]>;

  constructor(
    private readonly http: PagerDutyHttp,
    private readonly ttlMs: number,
  ) {}

  /** Every service; `fresh` forces a new listing (and refreshes the cache). */
  allServices(signal?: AbortSignal, fresh = false): Promise<PdService[]> {
    this.services = this.cached(this.services, fresh, () =>
      listAll<PdService>(this.http, '/services', 'services', { 'include[]': ['teams'] }, signal),
    );
    return this.services.value;
  }

  allTeams(signal?: AbortSignal, fresh = false): Promise<PdTeam[]> {
    this.teams = this.cached(this.teams, fresh, () => listAll<PdTeam>(this.http, '/teams', 'teams', {}, signal));
    return this.teams.value;
  }

  /** The account's priorities; empty when the account has priorities turned off. */
  allPriorities(signal?: AbortSignal): Promise<PdPriority[]> {
    this.priorities = this.cached(this.priorities, false, () =>
      listAll<PdPriority>(this.http, '/priorities', 'priorities', {}, signal),
    );
    return this.priorities.value;
  }

  /** IDs of the named services (case-insensitive); a name can match an ID too. */
  async serviceIds(names: readonly string[], signal?: AbortSignal): Promise<Map<string, string | undefined>> {
    return idsByName(names, await this.allServices(signal));
  }

  async teamIds(names: readonly string[], signal?: AbortSignal): Promise<Map<string, string | undefined>> {
    return idsByName(names, await this.allTeams(signal));
  }

  async priorityId(name: string, signal?: AbortSignal): Promise<string | undefined> {
    const priorities = await this.allPriorities(signal);
    return priorities.find((p) => p.name.toLowerCase() === name.toLowerCase())?.id;
  }

  private cached<T>(entry: Cached<T> | undefined, fresh: boolean, load: () => Promise<T>): Cached<T> {
    const now = Date.now();
    if (entry && !fresh && now - entry.at < this.ttlMs) return entry;
    const value = load();
    // A failed listing must not be served from the cache to the next caller.
    value.catch(() => {
      if (this.services?.value === value) this.services = undefined;
      if (this.teams?.value === value) this.teams = undefined;
      if (this.priorities?.value === value) this.priorities = undefined;
    });
    return { at: now, value };
  }
}

function idsByName(names: readonly string[], records: { id: string; name: string }[]): Map<string, string | undefined> {
  const byName = new Map<string, string>();
  for (const r of records) {
    byName.set(r.name.toLowerCase(), r.id);
    byName.set(r.id.toLowerCase(), r.id);
  }
  return new Map(names.map((name) => [name, byName.get(name.toLowerCase())]));
}

export function unknownName(kind: string, name: string): AdapterError {
  return new AdapterError('BAD_USER_INPUT', `PagerDuty has no ${kind} named ${JSON.stringify(name)}`);
}
