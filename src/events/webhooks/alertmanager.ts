/**
 * Alertmanager webhooks (payload version 4). A firing or resolved alert becomes an ALERT entry on
 * the live timeline of every open incident of the alert's service (its `service` label, else
 * `job`, mapped through the service aliases). These entries are live-only: they are not written
 * back into the incident provider, so a `since` replay does not return them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { stableStringify } from '../../data/stable-json.js';
import type { WebhookDeps } from './pagerduty.js';

const labels = z.record(z.string(), z.string());

export const alertmanagerWebhookSchema = z.object({
  version: z.string(),
  status: z.enum(['firing', 'resolved']),
  alerts: z.array(
    z.object({
      status: z.enum(['firing', 'resolved']),
      labels,
      annotations: labels.default({}),
      startsAt: z.iso.datetime({ offset: true }),
      endsAt: z.string().optional(),
      generatorURL: z.string().optional(),
      fingerprint: z.string().optional(),
    }),
  ),
});

export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhookSchema>;
type AmAlert = AlertmanagerWebhook['alerts'][number];

/** Constant-time check of `Authorization: Bearer <token>`. */
export function verifyBearer(header: string | undefined, token: string): boolean {
  const match = /^Bearer (.+)$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const offered = createHash('sha256').update(match[1]).digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(offered, expected);
}

const OPEN = ['TRIGGERED', 'ACKNOWLEDGED', 'MITIGATED'] as const;

function alertBody(alert: AmAlert): string {
  const name = alert.labels.alertname ?? 'alert';
  const summary = alert.annotations.summary ?? alert.annotations.description;
  return `${alert.status === 'firing' ? 'Firing' : 'Resolved'}: ${name}${summary ? ` — ${summary}` : ''}`;
}

/** Alertmanager's own fingerprint when it sends one; older versions get one made from the labels. */
function fingerprintOf(alert: AmAlert): string {
  return alert.fingerprint ?? createHash('sha256').update(stableStringify(alert.labels)).digest('hex').slice(0, 16);
}

/** Returns how many timeline entries went out. */
export async function handleAlertmanagerWebhook(deps: WebhookDeps, webhook: AlertmanagerWebhook): Promise<number> {
  if (!deps.floor.isConfigured('incident')) return 0;
  const data = deps.floor.background('webhook');
  const byService = new Map<string, AmAlert[]>();
  for (const alert of webhook.alerts) {
    const name = alert.labels.service ?? alert.labels.job;
    if (!name) continue;
    const canonical = data.services.canonicalName('alertmanager', name);
    byService.set(canonical, [...(byService.get(canonical) ?? []), alert]);
  }
  let published = 0;
  for (const [service, alerts] of byService) {
    const page = await data.incidents.list({ scope: { service }, statuses: [...OPEN], first: 50 });
    for (const incident of page.nodes) {
      for (const alert of alerts) {
        const at = alert.status === 'resolved' && alert.endsAt ? alert.endsAt : alert.startsAt;
        const fingerprint = fingerprintOf(alert);
        const entry = {
          id: `alertmanager:${fingerprint}:${alert.status}:${alert.startsAt}`,
          incidentId: incident.id,
          kind: 'ALERT' as const,
          rawKind: `alertmanager.${alert.status}`,
          body: alertBody(alert),
          actor: 'alertmanager',
          at: new Date(at).toISOString(),
          url: alert.generatorURL || null,
          fields: { labels: alert.labels, annotations: alert.annotations, fingerprint, status: alert.status },
        };
        published += await deps.floor.intake.accept(
          incident.provider,
          [{ type: 'timeline.appended', entry }],
          'webhook',
        );
      }
    }
  }
  return published;
}
