/**
 * PagerDuty v3 webhook deliveries as PagerDuty sends them (developer.pagerduty.com, "Verifying
 * Signatures" and "Webhook Payloads"): an `{ event }` envelope, signed in `X-PagerDuty-Signature`
 * with one `v1=<hex HMAC-SHA256 of the raw body>` per active secret, comma-separated.
 */
import { createHmac, randomUUID } from 'node:crypto';

/** The `X-PagerDuty-Signature` value PagerDuty sends while `secrets` are active. */
export function signPagerDutyDelivery(body: string, ...secrets: string[]): string {
  return secrets.map((secret) => `v1=${createHmac('sha256', secret).update(body).digest('hex')}`).join(',');
}

export interface PagerDutyIncidentRef {
  id: string;
  title: string;
}

/** An event about the incident itself (`incident.acknowledged`, `incident.resolved`, ...). */
export function incidentEventBody(
  eventType: string,
  incident: PagerDutyIncidentRef & { status: string },
  occurredAt = new Date().toISOString(),
): string {
  return JSON.stringify({
    event: {
      id: randomUUID(),
      event_type: eventType,
      resource_type: 'incident',
      occurred_at: occurredAt,
      agent: { id: 'PLH1HKV', type: 'user_reference', summary: 'Tenex Engineer' },
      client: { name: 'PagerDuty' },
      data: { id: incident.id, type: 'incident', status: incident.status, title: incident.title },
    },
  });
}

/** `incident.annotated`: a note was added; `data` is the note and refers to its incident. */
export function incidentAnnotatedBody(
  incident: PagerDutyIncidentRef,
  note: { id: string; content: string },
  occurredAt = new Date().toISOString(),
): string {
  return JSON.stringify({
    event: {
      id: `01DEN${randomUUID().replaceAll('-', '').slice(0, 10).toUpperCase()}`,
      event_type: 'incident.annotated',
      resource_type: 'incident',
      occurred_at: occurredAt,
      agent: { id: 'PXPGF42', type: 'user_reference', summary: 'Earline Greenholt' },
      client: null,
      data: {
        incident: { id: incident.id, type: 'incident_reference', summary: incident.title },
        id: note.id,
        content: note.content,
        trimmed: false,
        type: 'incident_note',
      },
    },
  });
}
