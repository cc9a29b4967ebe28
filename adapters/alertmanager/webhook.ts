/**
 * Alertmanager webhooks (payload version 4), trusted when they carry the configured bearer token
 * (`http_config.authorization` of the receiver). A firing or resolved alert is activity for the
 * open incidents of the alert's service (its service label, else `job`, in this instance's names,
 * which the data floor maps through the service aliases). These entries are live-only: they are not
 * written back into the incident provider, so a `since` replay does not return them.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type {
  AdapterWebhook,
  LegacyWebhookSetting,
  ProviderEvent,
  TimelineEntryKind,
  WebhookDelivery,
} from '../contract/index.js';
import { parseDelivery, sameSecret } from '../http/webhook-delivery.js';

/**
 * `OPSORCH_WEBHOOK_ALERTMANAGER_TOKEN`, from when the gateway served `POST /webhooks/alertmanager`
 * itself: that URL is the generic route of an instance named `alertmanager`, which the variable
 * starts (taking webhooks only) when none is configured.
 */
export const legacyAlertmanagerWebhook: LegacyWebhookSetting = {
  variable: 'OPSORCH_WEBHOOK_ALERTMANAGER_TOKEN',
  configKey: 'webhookToken',
  single: true,
  webhookOnlyInstance: 'alertmanager',
};

const labels = z.record(z.string(), z.string());

const notificationSchema = z.object({
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

type AmAlert = z.infer<typeof notificationSchema>['alerts'][number];

/** Compares digests, so neither the time taken nor a length check tells anything about the token. */
function alertBody(alert: AmAlert): string {
  const name = alert.labels.alertname ?? 'alert';
  const summary = alert.annotations.summary ?? alert.annotations.description;
  return `${alert.status === 'firing' ? 'Firing' : 'Resolved'}: ${name}${summary ? ` — ${summary}` : ''}`;
}

/** JSON with sorted keys, so the same labels in any order make the same fingerprint. */
function labelKey(set: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(set).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/** Alertmanager's own fingerprint when it sends one; older versions get one made from the labels. */
function fingerprintOf(alert: AmAlert): string {
  return alert.fingerprint ?? createHash('sha256').update(labelKey(alert.labels)).digest('hex').slice(0, 16);
}

export function alertmanagerWebhook(token: string, serviceLabel: string): AdapterWebhook {
  return {
    verify(delivery: WebhookDelivery) {
      const offered = /^Bearer (.+)$/i.exec(delivery.headers.authorization ?? '')?.[1];
      return offered !== undefined && sameSecret(offered, token);
    },

    events(delivery: WebhookDelivery): ProviderEvent[] {
      const notification = parseDelivery(delivery, notificationSchema);
      return notification.alerts.flatMap((alert): ProviderEvent[] => {
        const service = alert.labels[serviceLabel] ?? alert.labels.job;
        if (!service) return [];
        const at = alert.status === 'resolved' && alert.endsAt ? alert.endsAt : alert.startsAt;
        const fingerprint = fingerprintOf(alert);
        return [
          {
            type: 'activity',
            service,
            entry: {
              id: `alertmanager:${fingerprint}:${alert.status}:${alert.startsAt}`,
              kind: 'ALERT' as TimelineEntryKind,
              rawKind: `alertmanager.${alert.status}`,
              body: alertBody(alert),
              actor: 'alertmanager',
              at: new Date(at).toISOString(),
              url: alert.generatorURL || null,
              fields: { labels: alert.labels, annotations: alert.annotations, fingerprint, status: alert.status },
            },
          },
        ];
      });
    },
  };
}
