/** A list's counts as connections show them: a total, and every allowed status (and severity) with its count. */
import type * as m from '../../../adapters/contract/index.js';
import type { Severity } from '../../../adapters/contract/index.js';
import type { ListSource, StampedPage } from '../loaders.js';
import { type Dimension, tally } from './tally.js';

export const ALERT_STATUSES: readonly m.AlertStatus[] = [
  'FIRING',
  'ACKNOWLEDGED',
  'SILENCED',
  'INHIBITED',
  'RESOLVED',
  'UNKNOWN',
];
export const TICKET_STATUSES: readonly m.TicketStatus[] = [
  'OPEN',
  'IN_PROGRESS',
  'BLOCKED',
  'DONE',
  'CANCELLED',
  'UNKNOWN',
];
export const DEPLOYMENT_STATUSES: readonly m.DeploymentStatus[] = [
  'PENDING',
  'IN_PROGRESS',
  'SUCCEEDED',
  'FAILED',
  'ROLLED_BACK',
  'CANCELLED',
  'UNKNOWN',
];
export const RUN_STATUSES: readonly m.OrchestrationRunStatus[] = [
  'PENDING',
  'RUNNING',
  'WAITING',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'UNKNOWN',
];

export interface ListCounts<S extends string = string> {
  total: number;
  byStatus: { status: S; count: number }[];
  /** Empty for lists without severities. */
  bySeverity: { severity: Severity; count: number }[];
  approximate: boolean;
}

/** The values of an enum a filter allows, in the enum's order: all of them when the filter names none. */
export function allowed<V extends string>(all: readonly V[], chosen: readonly V[] | undefined): V[] {
  return chosen?.length ? all.filter((v) => chosen.includes(v)) : [...all];
}

export async function countList<T extends { id: string; status: S; severity?: Severity }, S extends string>(
  source: ListSource<T>,
  statuses: readonly S[],
  severities: readonly Severity[] | null,
  maxRecords: number,
): Promise<ListCounts<S>> {
  const dimensions: Dimension<T>[] = [{ filter: 'statuses', values: statuses, of: (r) => r.status }];
  if (severities) dimensions.push({ filter: 'severities', values: severities, of: (r) => r.severity ?? 'UNKNOWN' });
  const { total, counts, approximate } = await tally(source, dimensions, maxRecords);
  const [byStatus, bySeverity] = counts;
  return {
    total,
    byStatus: statuses.map((status) => ({ status, count: byStatus?.get(status) ?? 0 })),
    bySeverity: severities ? severities.map((severity) => ({ severity, count: bySeverity?.get(severity) ?? 0 })) : [],
    approximate,
  };
}

/** A page of a list that can also count the whole list, once, when a client asks. */
export type CountedPage<T, S extends string> = StampedPage<T> & { counts: () => Promise<ListCounts<S>> };

export function withCounts<T, S extends string>(
  page: StampedPage<T>,
  count: () => Promise<ListCounts<S>>,
): CountedPage<T, S> {
  let counted: Promise<ListCounts<S>> | undefined;
  return {
    ...page,
    counts: () => {
      counted ??= count();
      return counted;
    },
  };
}
