/**
 * Where provider events enter the floor, whatever brought them: an adapter's own stream
 * (`onEvent`), a webhook delivery, or the timeline poller. Each event becomes typed changes that
 * are published once. An `incident.changed` event says only that something changed: the floor
 * re-reads the incident and its recent timeline through its metered reads, so a webhook, a poll and
 * a replay agree on what the provider holds.
 */
import { createHash } from 'node:crypto';
import type { AdapterWebhook, ProviderEvent, WebhookDelivery } from '../../adapters/contract/index.js';
import type { Logger } from '../logger.js';
import type { CallCause } from './calls.js';
import { type Change, incidentUpdated, timelineAppended } from './changes.js';
import type { DataFloor, RequestData } from './floor.js';
import { stableStringify } from './stable-json.js';

const OPEN = ['TRIGGERED', 'ACKNOWLEDGED', 'MITIGATED'] as const;
/**
 * One activity lands on at most this many incidents, whatever it names: the sender decides how many
 * incidents an event names (a GitHub issue may carry 100 incident labels, other adapters set no
 * limit), and each one costs a provider read and a published entry.
 */
export const ACTIVITY_FAN_OUT = 50;

/** Providers stamp timeline entries a moment apart from the event that produced them. */
const ENTRY_WINDOW_MS = 60_000;

export type IntakeCause = Exclude<CallCause, 'request'>;

/**
 * The instance a delivery is for: `name`, of kind `kind` when given. Without `kind`, a name no
 * instance has stands for the one instance of that kind with a webhook (the URLs that named the
 * provider, `/webhooks/alertmanager`, from before webhooks moved into adapters).
 */
export interface WebhookTarget {
  name: string;
  kind?: string;
}

export type Delivered =
  | { outcome: 'no-webhook' }
  | { outcome: 'unverified' }
  | { outcome: 'invalid'; message: string }
  | { outcome: 'published'; published: number };

export class EventIntake {
  constructor(
    private readonly floor: DataFloor,
    private readonly logger: Logger,
  ) {}

  /**
   * Publishes what `events` from `provider` mean for subscribers; resolves to the number of
   * changes that went out (repeats of changes already published are not counted). Rejects when a
   * re-read fails, so a webhook sender can retry.
   */
  async accept(provider: string, events: readonly ProviderEvent[], cause: IntakeCause): Promise<number> {
    if (events.length > 0) this.floor.heardFrom(provider);
    // One read scope for the whole batch: alerts of one service in one notification share one listing.
    let data: RequestData | undefined;
    const reads = () => {
      data ??= this.floor.background(cause);
      return data;
    };
    let published = 0;
    for (const event of events) {
      // A retried delivery repeats its events word for word: their content is their identity.
      const key =
        cause === 'webhook' && event.type !== 'timeline.appended'
          ? `webhook:${provider}:${createHash('sha256').update(stableStringify(event)).digest('base64url')}`
          : undefined;
      for (const change of await this.changesOf(provider, event, reads)) {
        if (await this.floor.changes.publish(change, key)) published += 1;
      }
    }
    this.logger.debug({ provider, cause, events: events.length, published }, 'provider events taken in');
    return published;
  }

  /**
   * A webhook delivery to a provider instance whose adapter owns its format: the adapter verifies
   * it and reads its events, which are then taken in. A verification that throws counts as failed.
   */
  async deliver(target: WebhookTarget, delivery: WebhookDelivery): Promise<Delivered> {
    const found = this.webhookOf(target);
    if (!found) return { outcome: 'no-webhook' };
    const { provider, webhook } = found;
    if (!(await Promise.resolve(webhook.verify(delivery)).catch(() => false))) return { outcome: 'unverified' };
    let events: ProviderEvent[];
    try {
      events = await webhook.events(delivery);
    } catch (err) {
      return { outcome: 'invalid', message: err instanceof Error ? err.message : 'unreadable delivery' };
    }
    return { outcome: 'published', published: await this.accept(provider, events, 'webhook') };
  }

  private webhookOf({ name, kind }: WebhookTarget): { provider: string; webhook: AdapterWebhook } | undefined {
    const { instances } = this.floor.registry;
    const named = instances.find((i) => i.name === name && (kind === undefined || i.kind === kind));
    const ofKind = instances.filter((i) => i.kind === name && i.adapter.webhook);
    const instance =
      named ??
      (kind === undefined && !instances.some((i) => i.name === name) && ofKind.length === 1 ? ofKind[0] : undefined);
    const webhook = instance?.adapter.webhook;
    return instance && webhook ? { provider: instance.name, webhook } : undefined;
  }

  private async changesOf(provider: string, event: ProviderEvent, reads: () => RequestData): Promise<Change[]> {
    switch (event.type) {
      case 'timeline.appended':
        return [timelineAppended({ ...event.entry, provider })];
      case 'incident.updated':
        return [
          incidentUpdated({
            incident: { ...event.incident, provider },
            changedFields: event.changedFields,
            previousStatus: event.previousStatus ?? null,
            at: new Date().toISOString(),
          }),
        ];
      case 'incident.changed': {
        const data = reads();
        const incident = { provider, id: event.incidentId };
        const occurredAt = Date.parse(event.occurredAt);
        const entries = await data.incidents.timelineSince(incident, occurredAt - ENTRY_WINDOW_MS - 1);
        const changes = entries.reverse().map(timelineAppended);
        if (event.changedFields.length > 0) {
          changes.push(
            incidentUpdated({
              incident: await data.incidents.get(provider, event.incidentId),
              changedFields: event.changedFields,
              previousStatus: null,
              at: new Date(occurredAt).toISOString(),
            }),
          );
        }
        return changes;
      }
      case 'activity': {
        // Activity only ever lands on incident timelines.
        if (!this.floor.isConfigured('incident')) return [];
        const data = reads();
        // The incidents an event names are what it is about, so they come before its service's
        // newest open ones. Only the first ACTIVITY_FAN_OUT distinct IDs, in the event's order, are
        // read: repeats are dropped first so they take no place. The service's incidents fill the
        // places the named ones left, unknown IDs' included: one event costs those reads and one
        // page, and lands on ACTIVITY_FAN_OUT incidents at most.
        const named = [...new Set(event.incidentIds)];
        if (named.length > ACTIVITY_FAN_OUT) {
          // Counts only: the IDs come from outside (a ticket's labels).
          this.logger.warn(
            { provider, named: named.length, read: ACTIVITY_FAN_OUT },
            'activity names more incidents than ACTIVITY_FAN_OUT: the rest are not read and get no entry',
          );
        }
        const incidents: { provider: string; id: string }[] = [];
        if (named.length > 0) {
          const linked = await data.incidents.linked(provider, named.slice(0, ACTIVITY_FAN_OUT));
          incidents.push(...linked.filter((i): i is NonNullable<typeof i> => i !== null));
        }
        if (event.service && incidents.length < ACTIVITY_FAN_OUT) {
          const service = data.services.canonicalName(provider, event.service);
          const page = await data.incidents.list({ scope: { service }, statuses: [...OPEN], first: ACTIVITY_FAN_OUT });
          incidents.push(...page.nodes);
        }
        const seen = new Set<string>();
        return incidents
          .filter((i) => !seen.has(`${i.provider}:${i.id}`) && seen.add(`${i.provider}:${i.id}`))
          .slice(0, ACTIVITY_FAN_OUT)
          .map((i) => timelineAppended({ ...event.entry, incidentId: i.id, provider: i.provider }));
      }
    }
  }
}
