/**
 * Deliveries from Datadog's Webhooks integration. Datadog does not sign them: a webhook is
 * trusted when it carries the configured token, set in the webhook's custom headers as
 * `Authorization: Bearer <token>` or as its basic-auth password. The payload is the template the
 * webhook is configured with (README); an incident event (`incident_uuid`) tells the data floor that
 * the incident changed, and the floor re-reads its timeline and state from the API, so what
 * subscribers receive is what Datadog holds. Monitor notifications carry no incident and publish nothing.
 */
import { z } from 'zod';
import type { AdapterWebhook, ProviderEvent, WebhookDelivery } from '../contract/index.js';
import { parseDelivery, sameSecret } from '../http/webhook-delivery.js';

const payloadSchema = z
  .object({
    id: z.union([z.string(), z.number()]).optional(),
    event_type: z.string().optional(),
    date: z.union([z.string(), z.number()]).optional(),
    last_updated: z.union([z.string(), z.number()]).optional(),
    incident_uuid: z
      .string()
      .regex(/^[\w-]+$/)
      .optional(),
    incident_status: z.string().optional(),
    incident_severity: z.string().optional(),
  })
  .loose()
  .refine((p) => p.id !== undefined || p.event_type !== undefined || p.incident_uuid !== undefined, {
    message: 'not a Datadog webhook payload (no id, event_type or incident_uuid)',
  });

function offeredToken(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const bearer = /^Bearer\s+(.+)$/i.exec(authorization)?.[1];
  if (bearer) return bearer.trim();
  const basic = /^Basic\s+(.+)$/i.exec(authorization)?.[1];
  if (!basic) return undefined;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  return decoded.includes(':') ? decoded.slice(decoded.indexOf(':') + 1) : undefined;
}

/** `$DATE` and `$LAST_UPDATED` are epoch milliseconds; anything else that parses is taken as is. */
function instant(value: string | number | undefined): string {
  if (value === undefined || value === '') return new Date().toISOString();
  const n = Number(value);
  const at = Number.isFinite(n) ? new Date(n < 1e12 ? n * 1000 : n) : new Date(String(value));
  return Number.isNaN(at.getTime()) ? new Date().toISOString() : at.toISOString();
}

export function datadogWebhook(token: string): AdapterWebhook {
  return {
    verify(delivery: WebhookDelivery) {
      const offered = offeredToken(delivery.headers.authorization);
      return offered !== undefined && sameSecret(offered, token);
    },
    events(delivery: WebhookDelivery): ProviderEvent[] {
      const payload = parseDelivery(delivery, payloadSchema);
      if (!payload.incident_uuid) return [];
      const changedFields = [
        ...(payload.incident_status ? ['status'] : []),
        ...(payload.incident_severity ? ['severity'] : []),
      ];
      return [
        {
          type: 'incident.changed',
          incidentId: payload.incident_uuid,
          occurredAt: instant(payload.last_updated ?? payload.date),
          changedFields,
        },
      ];
    },
  };
}
