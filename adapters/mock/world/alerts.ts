import type { Alert, AlertStatus, Incident, Severity, TimelineEntry } from '../../contract/index.js';
import type { IdFactory } from './ids.js';
import { impactWindow } from './impact.js';
import { links, PROMETHEUS } from './links.js';
import type { IncidentMeta } from './model.js';
import { HEX, type Rng } from './rng.js';
import type { ServiceRecord } from './services.js';
import { DEFAULT_SYMPTOM, SYMPTOM_BY_KEY, SYMPTOMS } from './symptoms.js';
import type { TeamRecord } from './teams.js';
import { DAY, iso, MINUTE, SECOND, toSecond } from './time.js';
import { insertEntry, MAX_GENERATED_ENTRIES, makeEntry } from './timeline.js';
import { ALERT_SEVERITY_RAW } from './vocab.js';

const ALERT_COUNT = 40;
const OVERLAPPING_COUNT = 6;
const FIRING_NOISE = 4;

/** Alerts that fire without paging anyone: the background noise of a real Alertmanager. */
const NOISE = [
  { alertname: 'DiskSpaceLow', severity: 'MEDIUM', summary: (s: string) => `Disk usage above 85% on ${s} volume` },
  {
    alertname: 'CertificateExpiringSoon',
    severity: 'INFO',
    summary: (s: string) => `TLS certificate of ${s} expires in 14 days`,
  },
  {
    alertname: 'KubeDeploymentReplicasMismatch',
    severity: 'MEDIUM',
    summary: (s: string) => `${s} has fewer ready replicas than desired`,
  },
  {
    alertname: 'HighMemoryUsage',
    severity: 'LOW',
    summary: (s: string) => `Memory usage of ${s} above 80% of its limit`,
  },
  { alertname: 'TargetDown', severity: 'HIGH', summary: (s: string) => `Prometheus cannot scrape some ${s} targets` },
  { alertname: 'NodeClockSkew', severity: 'INFO', summary: (s: string) => `Clock skew detected on nodes running ${s}` },
] as const satisfies readonly { alertname: string; severity: Severity; summary: (s: string) => string }[];

interface AlertInput {
  alertname: string;
  service: string;
  team: string;
  severity: Severity;
  summary: string;
  description: string;
  startsAt: number;
  endsAt: number | null;
  status: AlertStatus;
}

export interface AlertContext {
  rng: Rng;
  ids: IdFactory;
  anchor: number;
  services: readonly ServiceRecord[];
  teams: readonly TeamRecord[];
  incidents: readonly Incident[];
  timelines: Map<string, TimelineEntry[]>;
  meta: Map<string, IncidentMeta>;
}

export function generateAlerts(ctx: AlertContext): Alert[] {
  const { rng, anchor, incidents } = ctx;
  const alerts: Alert[] = [];
  const teamHandle = (service: string) => {
    const team = ctx.services.find((s) => s.service.name === service)?.service.team;
    return ctx.teams.find((t) => t.team.name === team)?.team.handle ?? 'unknown';
  };

  // Every incident was triggered by an alert on its service, firing a little before it.
  for (const incident of incidents) {
    const service = incident.service!;
    const symptom = SYMPTOM_BY_KEY.get(ctx.meta.get(incident.id)?.symptom ?? '') ?? DEFAULT_SYMPTOM;
    const window = impactWindow(incident, ctx.meta.get(incident.id));
    const startsAt = Date.parse(incident.createdAt) - rng.int(60, 240) * SECOND;
    const endsAt = window.end === null ? null : Math.max(startsAt + MINUTE, window.end - rng.int(0, 120) * SECOND);
    const silenced = endsAt === null && incident.status === 'ACKNOWLEDGED' && rng.chance(0.25);
    alerts.push(
      makeAlert(ctx, {
        alertname: symptom.alertname,
        service,
        team: teamHandle(service),
        severity: incident.severity,
        summary: symptom.title(service),
        description: symptom.description(service),
        startsAt,
        endsAt,
        status: endsAt !== null ? 'RESOLVED' : silenced ? 'SILENCED' : 'FIRING',
      }),
    );
  }

  // Secondary symptoms on the same service during an incident, grouped into it.
  for (const incident of rng.sample(incidents, OVERLAPPING_COUNT)) {
    const service = incident.service!;
    const own = ctx.meta.get(incident.id)?.symptom;
    const symptom = rng.pick(SYMPTOMS.filter((s) => s.key !== own));
    const window = impactWindow(incident, ctx.meta.get(incident.id));
    const created = Date.parse(incident.createdAt);
    const until = window.end ?? anchor;
    const startsAt = toSecond(created + (until - created) * rng.float(0.05, 0.4));
    const endsAt = window.end === null ? null : toSecond(startsAt + (window.end - startsAt) * rng.float(0.5, 1));
    const severity: Severity = incident.severity === 'CRITICAL' ? 'HIGH' : 'MEDIUM';
    const alert = makeAlert(ctx, {
      alertname: symptom.alertname,
      service,
      team: teamHandle(service),
      severity,
      summary: symptom.title(service),
      description: symptom.description(service),
      startsAt,
      endsAt,
      status: endsAt === null ? 'FIRING' : 'RESOLVED',
    });
    alerts.push(alert);
    const timeline = ctx.timelines.get(incident.id);
    if (timeline && timeline.length < MAX_GENERATED_ENTRIES) {
      insertEntry(
        timeline,
        incident,
        makeEntry(ctx.ids, incident.id, {
          kind: 'ALERT',
          body: `Alert ${symptom.alertname} (${ALERT_SEVERITY_RAW[severity]}) grouped into this incident`,
          actor: 'Alertmanager',
          at: startsAt,
          fields: { fingerprint: alert.id },
        }),
      );
    }
  }

  // Background noise: a few firing now (one silenced, one inhibited), the rest short blips.
  const noiseCount = ALERT_COUNT - alerts.length;
  for (let i = 0; i < noiseCount; i++) {
    const kind = rng.pick(NOISE);
    const service = rng.pick(ctx.services).service.name;
    const firing = i < FIRING_NOISE;
    const startsAt = firing
      ? anchor - rng.int(5, 3 * 24 * 60) * MINUTE
      : anchor - rng.int(30, (14 * DAY) / MINUTE) * MINUTE;
    const endsAt = firing ? null : Math.min(startsAt + rng.int(2, 90) * MINUTE, anchor - MINUTE);
    alerts.push(
      makeAlert(ctx, {
        alertname: kind.alertname,
        service,
        team: teamHandle(service),
        severity: kind.severity,
        summary: kind.summary(service),
        description: `${kind.summary(service)}. Not paging: tracked by the owning team during business hours.`,
        startsAt,
        endsAt,
        status: !firing ? 'RESOLVED' : i === 1 ? 'SILENCED' : i === 2 ? 'INHIBITED' : 'FIRING',
      }),
    );
  }
  return alerts;
}

function makeAlert(ctx: AlertContext, input: AlertInput): Alert {
  const { rng, ids } = ctx;
  const id = ids.fingerprint();
  const instance = `${input.service}-${rng.chars(HEX, 9)}-${rng.chars('bcdfghjklmnpqrstvwxz2456789', 5)}:8080`;
  const labels: Record<string, string> = {
    alertname: input.alertname,
    service: input.service,
    severity: ALERT_SEVERITY_RAW[input.severity],
    instance,
    environment: 'production',
    team: input.team,
  };
  const rawStatus = input.status === 'RESOLVED' ? 'resolved' : input.status === 'FIRING' ? 'active' : 'suppressed';
  return {
    id,
    title: input.summary,
    description: input.description,
    status: input.status,
    rawStatus,
    severity: input.severity,
    rawSeverity: labels.severity,
    startsAt: iso(input.startsAt),
    endsAt: input.endsAt === null ? null : iso(input.endsAt),
    labels,
    service: input.service,
    url: links.alert({ alertname: input.alertname, service: input.service }),
    fields: {
      fingerprint: id,
      annotations: {
        summary: input.summary,
        description: input.description,
        runbook_url: `https://wiki.acme.internal/runbooks/${input.service}#${input.alertname.toLowerCase()}`,
      },
      receivers: [`pagerduty-${input.team}`],
      silencedBy: input.status === 'SILENCED' ? [ids.uuid()] : [],
      inhibitedBy: input.status === 'INHIBITED' ? [ids.fingerprint()] : [],
      generatorURL: `${PROMETHEUS}/graph?g0.expr=${encodeURIComponent(`ALERTS{alertname="${input.alertname}",service="${input.service}"}`)}&g0.tab=1`,
    },
  };
}
