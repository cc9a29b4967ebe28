/**
 * Incidents and their timelines: reads (by ID, lists, timelines, incidents other records link to),
 * writes (create, update, append) that stamp the provider, refresh the request's caches and
 * announce what changed, and the live streams subscriptions read.
 */

import type * as m from '../../../adapters/contract/index.js';
import { CallCancel, incidentMatches } from '../../../adapters/contract/index.js';
import { visibilityKey } from '../../auth/principal.js';
import type { Subscription } from '../../events/pubsub.js';
import { allowed, type CountedPage, countList, withCounts } from '../aggregates/counts.js';
import { INCIDENT_STATUSES, type IncidentStats, incidentStats, SEVERITIES } from '../aggregates/incident-stats.js';
import { scan } from '../aggregates/scan.js';
import { type Change, incidentRef, incidentUpdated, timelineAppended } from '../changes.js';
import { filterView } from '../filter-directory.js';
import type { RequestData } from '../floor.js';
import type { ListFetch, ListQuery } from '../loaders.js';
import type { IncidentNode, IncidentUpdatedEventNode, TimelineEntryNode } from '../models.js';
import { orNull } from '../or-null.js';
import { recordLookaheadGuess } from '../provider-metrics.js';
import { stableStringify } from '../stable-json.js';
import { stamp } from '../stamp.js';

const BY_ID = 'getMany';
const QUERY: ListFetch<'incident', m.IncidentQuery, m.Incident> = (impl, qs, ctx) => impl.query(qs, ctx);
const TIMELINES = 'timelines';
const CHANGE_FIELDS = ['title', 'description', 'status', 'severity', 'assignees'] as const;
/**
 * Records of a list page remembered for the look-ahead: a console's first screen. A bound of its own
 * so that a long list (a report's thousand incidents) does not push out the pages consoles have open.
 */
export const LISTED_REMEMBERED = 20;

export class IncidentData {
  constructor(private readonly data: RequestData) {}

  /**
   * The incident. A request's read is remembered for the look-ahead of the next page that shows it
   * (`lastRead`); background work's (a webhook's, a poll's) is not, so that a stream of events
   * about other incidents does not push out the ones consoles have open.
   */
  get(provider: string, id: string): Promise<IncidentNode> {
    const read = this.data.loaders.byId<m.Incident>('incident', provider, BY_ID, id);
    if (this.data.scope.cause !== 'request') return read;
    const recent = this.data.floor.recentIncidents;
    const visibility = this.data.loaders.visibility;
    read.then(
      (record) => recent.set(visibility, provider, id, record),
      () => recent.set(visibility, provider, id, null),
    );
    return read;
  }

  private rememberListed(listed: readonly IncidentNode[]): void {
    const recent = this.data.floor.recentIncidents;
    const visibility = this.data.loaders.visibility;
    const count = Math.min(listed.length, LISTED_REMEMBERED);
    for (let i = 0; i < count; i++) {
      const record = listed[i] as IncidentNode;
      recent.set(visibility, record.provider, record.id, record);
    }
  }

  /** The incident as a caller who may see what this one sees last read it, if it is remembered. */
  lastRead(provider: string, id: string): IncidentNode | undefined {
    // Without a request's shared reads, those started from it would be made again for the record read.
    if (!this.data.loaders.sharesReads) return undefined;
    return this.data.floor.recentIncidents.get(this.data.loaders.visibility, provider, id);
  }

  /**
   * Counts a page started from `guess` by whether the incident `read` gives the same inputs to the
   * reads started from it (`sameInputs`, which the caller that started them knows).
   */
  judgeGuess(
    guess: IncidentNode,
    read: Promise<IncidentNode>,
    sameInputs: (guess: IncidentNode, read: IncidentNode) => boolean,
  ): void {
    read.then(
      (record) => recordLookaheadGuess(sameInputs(guess, record) ? 'confirmed' : 'changed'),
      // The page reports a failed read; a guess it did not need is no outcome.
      () => undefined,
    );
  }

  /**
   * Incidents another record links to by native ID (a ticket's, a run's). They are asked of the
   * linking record's own provider when it serves incidents, else of every incident provider in
   * configured order, so an ID is never sent to a provider that did not issue it when one did.
   * A link to a record that no longer exists resolves to null.
   */
  async linked(issuer: string, ids: readonly string[]): Promise<(IncidentNode | null)[]> {
    const registry = this.data.floor.registry;
    const providers = registry.instances.some((i) => i.name === issuer && i.capabilities.includes('incident'))
      ? [issuer]
      : registry.providersOf('incident').map((s) => s.provider);
    const found: (IncidentNode | null)[] = ids.map(() => null);
    let pending = ids.map((_, i) => i);
    for (const provider of providers) {
      const results = await Promise.all(pending.map((i) => orNull(this.get(provider, ids[i] as string))));
      pending = pending.filter((i, j) => {
        found[i] = results[j] ?? null;
        return found[i] === null;
      });
      if (pending.length === 0) break;
    }
    return found;
  }

  /**
   * A page of incidents; `counts()` counts every incident the filter matches. A request's first
   * `LISTED_REMEMBERED` are remembered as `get` remembers a record: the incident a console opens is
   * mostly one its list shows at the top, and its first page then starts from the listed record.
   */
  async list(query: ListQuery<m.IncidentQuery>): Promise<CountedPage<m.Incident, m.IncidentStatus>> {
    const page = await this.data.loaders.page('incident', 'query', query, QUERY);
    if (this.data.scope.cause === 'request') this.rememberListed(page.nodes);
    const { first: _first, after: _after, ...filter } = query;
    return withCounts(page, () =>
      countList(
        this.data.loaders.listSource('incident', 'query', filter, QUERY),
        allowed(INCIDENT_STATUSES, query.statuses),
        allowed(SEVERITIES, query.severities),
        this.data.floor.maxAggregateRecords,
      ),
    );
  }

  /** Counts, MTTA and MTTR of the incidents a filter matches (with `createdWithin`), over a bounded scan. */
  async stats(filter: Omit<m.IncidentQuery, 'first' | 'after'>): Promise<IncidentStats> {
    const source = this.data.loaders.listSource('incident', 'query', filter, QUERY);
    return incidentStats(await scan(source, this.data.floor.maxAggregateRecords));
  }

  async timeline(provider: string, incidentId: string): Promise<TimelineEntryNode[]> {
    const entries = await this.data.loaders.byId<m.TimelineEntry[]>('incident', provider, TIMELINES, incidentId);
    return entries.map((entry) => stamp(entry, provider));
  }

  /** Entries after `since` (epoch ms), newest first, read again rather than from the request cache. */
  async timelineSince(incident: { provider: string; id: string }, since: number): Promise<TimelineEntryNode[]> {
    this.data.loaders.forget(
      { capability: 'incident', provider: incident.provider, operation: TIMELINES },
      incident.id,
    );
    const entries = await this.timeline(incident.provider, incident.id);
    return entries.filter((e) => Date.parse(e.at) > since);
  }

  /** Creates the incident in the first incident provider; `input.service` is a canonical name. */
  async create(input: m.IncidentCreate): Promise<IncidentNode> {
    const provider = this.data.floor.registry.primary('incident').provider;
    const service = input.service ? this.data.floor.registry.serviceNameFor(provider, input.service) : input.service;
    const created = await this.data.write('incident', provider, 'create', (impl, ctx) =>
      impl.create({ ...input, ...(service ? { service } : {}) }, ctx),
    );
    const incident = this.remember({ ...created, provider });
    await this.data.floor.changes.ofWrite(provider, changesOf(null, incident));
    return incident;
  }

  /** Applies an update through the provider that owns the incident and announces what it changed. */
  async update(provider: string, id: string, update: m.IncidentUpdate): Promise<IncidentNode> {
    const before = await this.get(provider, id);
    const updated = await this.data.write('incident', provider, 'update', (impl, ctx) => impl.update(id, update, ctx), [
      id,
    ]);
    const incident = this.remember({ ...updated, provider });
    if (!this.data.floor.pushes(provider)) {
      // Entries the write produced (status changes, notes), read back so their IDs are the provider's.
      const since = before.updatedAt ? Date.parse(before.updatedAt) : Date.parse(incident.createdAt) - 1;
      const entries = await this.timelineSince(incident, since).catch(() => []);
      await this.data.floor.changes.ofWrite(provider, [
        ...changesOf(before, incident),
        ...entries.reverse().map(timelineAppended),
      ]);
    }
    return incident;
  }

  async appendTimeline(provider: string, incidentId: string, entry: m.TimelineAppend): Promise<TimelineEntryNode> {
    const appended = await this.data.write(
      'incident',
      provider,
      'appendTimeline',
      (impl, ctx) => impl.appendTimeline(incidentId, entry, ctx),
      [incidentId],
    );
    this.data.loaders.forget({ capability: 'incident', provider, operation: TIMELINES }, incidentId);
    this.data.loaders.forget({ capability: 'incident', provider, operation: BY_ID }, incidentId);
    const stamped = { ...appended, provider };
    await this.data.floor.changes.ofWrite(provider, [timelineAppended(stamped)]);
    return stamped;
  }

  /**
   * New entries of one incident's timeline, from every source, until `signal` aborts. Watching
   * may make the gateway poll the provider, so it needs the read scope and room under the polling
   * cap, checked here before the subscription exists. It ends when its iterator is returned or
   * `signal` aborts.
   */
  watchTimeline(incident: { provider: string; id: string }, signal?: AbortSignal): Subscription<TimelineEntryNode> {
    this.data.requireRead('incident');
    const ref = incidentRef(incident.provider, incident.id);
    this.data.floor.admitTimelineWatch(ref);
    return this.data.floor.changes.timeline(ref, signal);
  }

  /** Changes to any incident, from every source, until `signal` aborts. */
  watchChanges(signal: AbortSignal): Subscription<IncidentUpdatedEventNode> {
    return this.data.floor.changes.incidents(signal);
  }

  /** Watching incidents reads them: checked when a subscription starts, before any event. */
  mayWatch(): void {
    this.data.requireRead('incident');
  }

  /**
   * Whether the caller sees an incident that reached it as an event (its credential's restriction)
   * and `query` selects it, as a list would. Decided once per event for every subscriber with the
   * same filter and visibility (`EventVerdicts`), in a request of its own for the first of them,
   * with a fresh budget and deadline and nothing cached from earlier events: a subscription
   * outlives any one request's limits. It runs to its end even when that subscriber leaves, since
   * the others wait for the same answer.
   */
  admits(event: IncidentUpdatedEventNode, query: m.IncidentFilter): Promise<boolean> {
    const { requestId, caller } = this.data.scope;
    // From the caller, not `loaders.visibility`, which makes the subscriber's request a `Loaders` if
    // it has none yet, kept for as long as the subscription lives, to read one string.
    const key = `${stableStringify(query)}\u0000${visibilityKey(caller?.principal)}`;
    return this.data.floor.verdicts.of(event, key, async () => {
      const done = new CallCancel();
      try {
        const lookups = this.data.floor.forRequest(requestId ?? 'subscription', done, caller);
        const { incident } = event;
        await lookups.loaders.restrictionRead('incident');
        if (!lookups.loaders.visible('incident', incident.provider, incident)) return false;
        const view = await filterView(lookups, incident, query);
        return incidentMatches(view.incident, query, view.directory);
      } finally {
        // Releases what the lookups still hold on it (shared reads count their holders).
        done.abort();
      }
    });
  }

  private remember(incident: IncidentNode): IncidentNode {
    this.data.loaders.remember(
      { capability: 'incident', provider: incident.provider, operation: BY_ID },
      incident.id,
      incident,
    );
    this.data.loaders.forget(
      { capability: 'incident', provider: incident.provider, operation: TIMELINES },
      incident.id,
    );
    return incident;
  }
}

/** What subscribers of incident changes learn about one write. */
function changesOf(before: IncidentNode | null, after: IncidentNode): Change[] {
  const changedFields = CHANGE_FIELDS.filter(
    (k) => JSON.stringify(before?.[k] ?? null) !== JSON.stringify(after[k] ?? null),
  );
  if (changedFields.length === 0) return [];
  return [
    incidentUpdated({
      incident: after,
      changedFields,
      previousStatus: before?.status ?? null,
      at: new Date().toISOString(),
    }),
  ];
}
