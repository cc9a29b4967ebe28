/**
 * PagerDuty v3 webhooks. A delivery is trusted only when one of the `v1=` signatures in
 * `X-PagerDuty-Signature` is the HMAC-SHA256 of the raw body under one of the configured secrets
 * (PagerDuty signs with every active secret while one is rotated). The payload only says what
 * happened: the event tells the data floor which incident changed, and the floor re-reads it and its
 * timeline from the API, so a webhook entry and the same entry replayed or polled later are one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { AdapterWebhook, LegacyWebhookSetting, ProviderEvent, WebhookDelivery } from '../contract/index.js';
import { parseDelivery } from '../http/webhook-delivery.js';

/** `OPSORCH_WEBHOOK_PAGERDUTY_SECRETS`, from when the gateway served `POST /webhooks/pagerduty/<provider>` itself. */
export const legacyPagerDutyWebhook: LegacyWebhookSetting = {
  variable: 'OPSORCH_WEBHOOK_PAGERDUTY_SECRETS',
  configKey: 'webhookSecrets',
};

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

const deliverySchema = z.object({
  event: z.object({
    id: z.string().min(1),
    event_type: z.string().min(1),
    resource_type: z.string(),
    occurred_at: z.iso.datetime({ offset: true }),
    data: z.object({ id: z.string().optional(), type: z.string().optional(), incident: reference.optional() }).loose(),
  }),
});

type PagerDutyDelivery = z.infer<typeof deliverySchema>;

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

/** The incident an event is about: the record itself, or the one a note or status update belongs to. */
function incidentIdOf({ event }: PagerDutyDelivery): string | null {
  if (event.resource_type !== 'incident') return null;
  if (event.data.type === 'incident' && event.data.id) return event.data.id;
  return event.data.incident?.id ?? null;
}

export function pagerdutyWebhook(secrets: string[]): AdapterWebhook {
  return {
    verify: (delivery: WebhookDelivery) =>
      verifyPagerDutySignature(delivery.rawBody, delivery.headers['x-pagerduty-signature'], secrets),

    /** Events that are not about an incident (`pagey.ping`, service changes) are accepted and carry nothing. */
    events(delivery: WebhookDelivery): ProviderEvent[] {
      const data = parseDelivery(delivery, deliverySchema);
      const incidentId = incidentIdOf(data);
      if (!incidentId) return [];
      const { event } = data;
      return [
        {
          type: 'incident.changed',
          incidentId,
          occurredAt: event.occurred_at,
          changedFields: CHANGED_FIELDS[event.event_type] ?? [],
        },
      ];
    },
  };
}
