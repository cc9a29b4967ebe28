/** An Alertmanager alert as a normalized Alert. */
import type { Alert, AlertStatus } from '../contract/index.js';
import type { GettableAlert } from './api.js';
import { alertLink } from './links.js';
import type { SeverityMap } from './severity.js';

export interface NormalizeOptions {
  ui: string;
  serviceLabel: string;
  severityLabel: string;
  severities: SeverityMap;
}

/**
 * `suppressed` covers both silenced and inhibited; a silence is the operator's explicit decision,
 * so it wins when both apply. Alertmanager never returns resolved alerts, so RESOLVED never occurs.
 */
export function statusOf(alert: GettableAlert): AlertStatus {
  const { state, silencedBy, inhibitedBy } = alert.status;
  if (state === 'active') return 'FIRING';
  if (state === 'suppressed' && silencedBy.length) return 'SILENCED';
  if (state === 'suppressed' && inhibitedBy.length) return 'INHIBITED';
  return 'UNKNOWN';
}

export function normalizeAlert(alert: GettableAlert, options: NormalizeOptions): Alert {
  const name = alert.labels.alertname ?? 'alert';
  const summary = alert.annotations.summary;
  const rawSeverity = alert.labels[options.severityLabel];
  return {
    id: alert.fingerprint,
    title: summary ? `${name}: ${summary}` : name,
    description: alert.annotations.description ?? null,
    status: statusOf(alert),
    rawStatus: alert.status.state,
    severity: options.severities.normalize(rawSeverity),
    rawSeverity: rawSeverity ?? null,
    startsAt: alert.startsAt,
    endsAt: alert.endsAt || null,
    labels: alert.labels,
    service: alert.labels[options.serviceLabel] ?? null,
    url: alertLink(options.ui, alert.labels),
    fields: {
      annotations: alert.annotations,
      receivers: alert.receivers.map((r) => r.name),
      silencedBy: alert.status.silencedBy,
      inhibitedBy: alert.status.inhibitedBy,
      updatedAt: alert.updatedAt,
      ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
    },
  };
}
