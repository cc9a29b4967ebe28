/**
 * PagerDuty v3 webhooks. A delivery is trusted only when one of the `v1=` signatures in
 * `X-PagerDuty-Signature` is the HMAC-SHA256 of the raw body under one of our secrets (PagerDuty
 * signs with every active secret while one is rotated). The payload only says what happened; what
 * subscribers receive is re-read from the provider, which stays the source of truth, so a webhook
 * entry and the same entry replayed or polled later carry the same ID.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { DataFloor } from '../../data/floor.js';

export function verifyPagerDutySignature(rawBody: Buffer, header: string | undefined, secrets: string[]): boolean {
  if (!header) return false;
  const offered = header
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('v1='))
    .map((s) => Buffer.from(s.slice(3), 'utf8'));
  let valid = false;
  for (const secret of secrets) {
    const expected = Buffer.from(createHmac('sha256', secret).update(rawBody).digest('hex'), 'utf8');
    // Every pair is compared, so the time taken does not tell which secret or signature matched.
    for (const signature of offered) {
      if (signature.length === expected.length && timingSafeEqual(signature, expected)) valid = true;
    }
  }
  return valid;
}

const reference = z.object({ id: z.string().min(1) });

export const pagerDutyWebhookSchema = z.object({
  event: z.object({
    id: z.string().min(1),
    event_type: z.string().min(1),
    resource_type: z.string(),
    occurred_at: z.iso.datetime({ offset: true }),
    data: z.object({ id: z.string().optional(), type: z.string().optional(), incident: reference.optional() }).loose(),
  }),
});

export type PagerDutyWebhook = z.infer<typeof pagerDutyWebhookSchema>;

/** What each incident event type changes, for `incidentUpdated` subscribers. */
const CHANGED_FIELDS: Record<string, string[]> = {
  'incident.triggered': ['status'],
  'incident.acknowledged': ['status'],
  'incident.unacknowledged': ['status'],
  'incident.resolved': ['status'],
  'incident.reopened': ['status'],
  'incident.reassigned': ['assignees'],
  'incident.delegated': ['assignees'],
  'incident.escalated': ['assignees'],
  'incident.priority_updated': ['severity'],
};

export interface WebhookDeps {
  floor: DataFloor;
}

/** The incident a PagerDuty event is about: the record itself, or the one a note or update belongs to. */
function incidentIdOf(webhook: PagerDutyWebhook): string | null {
  const { data } = webhook.event;
  if (data.type === 'incident' && data.id) return data.id;
  return data.incident?.id ?? null;
}

/**
 * Publishes what one event means for subscribers; returns how many events went out. Events that
 * are not about an incident (`pagey.ping`, service changes) are accepted and ignored.
 */
export async function handlePagerDutyEvent(
  deps: WebhookDeps,
  provider: string,
  webhook: PagerDutyWebhook,
): Promise<number> {
  const incidentId = webhook.event.resource_type === 'incident' ? incidentIdOf(webhook) : null;
  if (!incidentId) return 0;
  const changedFields = CHANGED_FIELDS[webhook.event.event_type] ?? [];
  return deps.floor.intake.accept(
    provider,
    [{ type: 'incident.changed', incidentId, occurredAt: webhook.event.occurred_at, changedFields }],
    'webhook',
  );
}
