/**
 * Records in OpsOrch's JSON shapes (OpsOrch Core's `schema/`, as opsorch-mcp returns them), so an
 * agent or prompt written for opsorch-mcp reads the same keys. IDs are the provider's own, words
 * are the provider's own (`rawStatus` before the normalized enum), and references name records
 * by their provider IDs. Absent values are left out, as Core's `omitempty` does.
 */
import { field, isRec, type Rec, text } from './tool.js';

function compact(record: Rec): Rec {
  const out: Rec = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return out;
}

const nativeId = (record: unknown) => text(field(record, 'source', 'nativeId'));
/** The provider's word when it gave one, else the normalized value in lower case. */
const word = (record: Rec, raw: string, normalized: string) =>
  text(record[raw]) ?? text(record[normalized])?.toLowerCase();
/**
 * A reference to another record: its provider ID, else its name, else the reference the record
 * itself carries (OpsOrch records name their service in `fields`), even when nothing resolves it.
 */
const reference = (record: Rec, key: string) =>
  nativeId(record[key]) ?? text(field(record, key, 'name')) ?? text(field(record, 'fields', key));
const object = (value: unknown) => (isRec(value) && Object.keys(value).length > 0 ? value : undefined);

export function incident(r: Rec): Rec {
  return compact({
    id: nativeId(r),
    title: r.title,
    description: r.description,
    status: word(r, 'rawStatus', 'status'),
    severity: word(r, 'rawSeverity', 'severity'),
    service: reference(r, 'service'),
    url: r.url,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt ?? r.createdAt,
    fields: object(r.fields),
    metadata: object({
      ...(object(r.metadata) ?? {}),
      ...(r.acknowledgedAt ? { acknowledgedAt: r.acknowledgedAt } : {}),
      ...(r.resolvedAt ? { resolvedAt: r.resolvedAt } : {}),
      ...(Array.isArray(r.assignees) && r.assignees.length > 0 ? { assignees: r.assignees } : {}),
      ...(reference(r, 'team') ? { team: reference(r, 'team') } : {}),
      provider: field(r, 'source', 'provider'),
    }),
  });
}

export function timelineEntry(r: Rec, incidentId: string | undefined): Rec {
  const id = nativeId(r);
  return compact({
    id: id?.includes('/') ? decodeURIComponent(id.slice(id.indexOf('/') + 1)) : id,
    incidentId,
    at: r.at,
    kind: word(r, 'rawKind', 'kind'),
    body: r.body,
    actor: typeof r.actor === 'string' ? { name: r.actor } : undefined,
    metadata: object({ ...(object(r.metadata) ?? {}), ...(r.url ? { url: r.url } : {}) }),
  });
}

export function alert(r: Rec): Rec {
  return compact({
    id: nativeId(r),
    title: r.title,
    description: r.description,
    status: word(r, 'rawStatus', 'status'),
    severity: word(r, 'rawSeverity', 'severity'),
    service: reference(r, 'service'),
    url: r.url,
    createdAt: r.startsAt,
    updatedAt: r.endsAt ?? r.startsAt,
    fields: object({ ...(object(r.fields) ?? {}), ...(object(r.labels) ? { labels: r.labels } : {}) }),
    metadata: object({ ...(object(r.metadata) ?? {}), ...(r.endsAt ? { resolvedAt: r.endsAt } : {}) }),
  });
}

export function ticket(r: Rec): Rec {
  return compact({
    id: nativeId(r),
    key: r.key,
    title: r.title,
    description: r.description,
    status: word(r, 'rawStatus', 'status'),
    assignees: typeof r.assignee === 'string' ? [r.assignee] : undefined,
    reporter: r.reporter,
    url: r.url,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt ?? r.createdAt,
    fields: object({ ...(object(r.fields) ?? {}), priority: word(r, 'rawPriority', 'priority') }),
    metadata: object(r.metadata),
  });
}

export function service(r: Rec): Rec {
  return compact({
    id: nativeId(r),
    name: r.name,
    url: r.url,
    tags: object({
      ...(r.environment ? { environment: r.environment } : {}),
      ...(r.tier ? { tier: r.tier } : {}),
      ...(reference(r, 'team') ? { team: reference(r, 'team') } : {}),
    }),
    metadata: object({
      ...(object(r.metadata) ?? {}),
      ...(Array.isArray(r.aliases) && r.aliases.length > 0 ? { aliases: r.aliases } : {}),
      ...(r.description ? { description: r.description } : {}),
    }),
  });
}

export function team(r: Rec): Rec {
  return compact({
    id: nativeId(r),
    name: r.name,
    url: r.url,
    tags: object(r.handle ? { handle: r.handle } : {}),
    metadata: object({ ...(object(r.metadata) ?? {}), ...(r.description ? { description: r.description } : {}) }),
  });
}

export function member(r: Rec): Rec {
  return compact({
    id: r.handle ?? r.email ?? r.name,
    name: r.name,
    email: r.email,
    handle: r.handle,
    role: r.role,
    metadata: object({
      onCall: r.onCall,
      ...(r.onCallRole ? { onCallRole: r.onCallRole } : {}),
      ...(r.url ? { url: r.url } : {}),
    }),
  });
}

export function deployment(r: Rec): Rec {
  return compact({
    id: nativeId(r),
    service: reference(r, 'service'),
    environment: r.environment,
    version: r.version,
    status: word(r, 'rawStatus', 'status'),
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    url: r.url,
    actor: typeof r.author === 'string' ? { name: r.author } : undefined,
    fields: object(r.fields),
    metadata: object({
      ...(object(r.metadata) ?? {}),
      ...(r.commit ? { commit: r.commit } : {}),
      ...(r.description ? { description: r.description } : {}),
    }),
  });
}

function steps(r: Rec): Rec[] {
  return (Array.isArray(r.steps) ? r.steps : []).filter(isRec).map((s) =>
    compact({
      id: s.id,
      title: s.name,
      type: text(s.kind)?.toLowerCase(),
      description: s.description,
      ...(s.status ? { status: word(s, 'rawStatus', 'status') } : {}),
      ...(s.completedAt ? { completedAt: s.completedAt } : {}),
      ...(s.actor ? { actor: s.actor } : {}),
      ...(s.note ? { note: s.note } : {}),
    }),
  );
}

export function plan(r: Rec): Rec {
  return compact({
    id: nativeId(r),
    title: r.name,
    description: r.description,
    steps: steps(r),
    url: r.url,
    fields: object(r.fields),
    metadata: object(r.metadata),
  });
}

export function run(r: Rec): Rec {
  return compact({
    id: nativeId(r),
    planId: reference(r, 'plan'),
    incidentId: reference(r, 'incident'),
    status: word(r, 'rawStatus', 'status'),
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    steps: steps(r),
    url: r.url,
    fields: object(r.fields),
    metadata: object(r.metadata),
  });
}

export function logEntry(r: Rec): Rec {
  return compact({
    timestamp: r.timestamp,
    message: r.message,
    severity: word(r, 'rawLevel', 'level'),
    service: r.service,
    labels: object(r.labels),
    fields: object({ ...(object(r.fields) ?? {}), ...(r.url ? { url: r.url } : {}) }),
    metadata: object(r.metadata),
  });
}

export function series(r: Rec): Rec {
  const labels = object(r.labels);
  return compact({
    name: r.name,
    service: text(field(labels, 'service')),
    labels,
    points: r.points,
    url: r.url,
    metadata: object(r.unit ? { unit: r.unit } : {}),
  });
}

export function descriptor(r: Rec): Rec {
  return compact({
    name: r.name,
    type: text(r.type)?.toLowerCase(),
    description: r.help ?? '',
    labels: r.labels,
    unit: r.unit,
  });
}
