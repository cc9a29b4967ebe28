/**
 * The figures of an on-call review over incidents: how many, how many still open, mean time to
 * acknowledge and to resolve, by severity and status. They need each incident's timestamps, so
 * they are computed over a bounded scan of the incidents created in the range.
 */
import type { Incident, IncidentStatus, Severity } from '../../../adapters/contract/index.js';
import type { ProviderScan } from './scan.js';

export const INCIDENT_STATUSES: readonly IncidentStatus[] = [
  'TRIGGERED',
  'ACKNOWLEDGED',
  'MITIGATED',
  'RESOLVED',
  'UNKNOWN',
];
export const SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO', 'UNKNOWN'];

export interface IncidentStats {
  total: number;
  open: number;
  acknowledged: number;
  resolved: number;
  mttaSeconds: number | null;
  mttrSeconds: number | null;
  bySeverity: { severity: Severity; count: number }[];
  byStatus: { status: IncidentStatus; count: number }[];
  approximate: boolean;
}

/** Seconds from creation to `at`, or null when either timestamp is missing or `at` comes first. */
function secondsAfterCreation(incident: Incident, at: string | null | undefined): number | null {
  if (!at) return null;
  const seconds = (Date.parse(at) - Date.parse(incident.createdAt)) / 1000;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

export function incidentStats(scans: readonly ProviderScan<Incident>[]): IncidentStats {
  const incidents = scans.flatMap((s) => s.nodes);
  const toAck = incidents.map((i) => secondsAfterCreation(i, i.acknowledgedAt)).filter((s) => s !== null);
  const toResolve = incidents
    .filter((i) => i.status === 'RESOLVED')
    .map((i) => secondsAfterCreation(i, i.resolvedAt))
    .filter((s) => s !== null);
  const count = <K>(values: readonly K[], of: (i: Incident) => K) =>
    values.map((value) => ({ value, count: incidents.filter((i) => of(i) === value).length }));
  return {
    total: incidents.length,
    open: incidents.filter((i) => i.status !== 'RESOLVED').length,
    acknowledged: toAck.length,
    resolved: toResolve.length,
    mttaSeconds: mean(toAck),
    mttrSeconds: mean(toResolve),
    bySeverity: count(SEVERITIES, (i) => i.severity).map(({ value, count }) => ({ severity: value, count })),
    byStatus: count(INCIDENT_STATUSES, (i) => i.status).map(({ value, count }) => ({ status: value, count })),
    approximate: scans.some((s) => !s.complete),
  };
}
