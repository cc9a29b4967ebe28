import {
  anyRecord,
  arrayOf,
  listOutput,
  positiveInteger,
  recordOutput,
  scope,
  string,
  toolInput,
} from '../json-schema.js';
import * as shape from '../opsorch-shapes.js';
import { describeErrors, field, isRec, READ, type Rec, run, type Tool, type ToolContext, ToolError } from '../tool.js';
import * as words from '../vocabulary.js';
import { candidateIds, collect, defined, getOne, limitOf, linksOf, listAnswer, scopeOf } from './support.js';

const byId = toolInput({ id: string() }, ['id']);

export const queryIncidents: Tool = {
  name: 'query-incidents',
  title: 'Query Incidents',
  description:
    'Search incidents across every incident provider, newest first. Filter by statuses (open, acknowledged, resolved, ...), severities (sev1..sev5, critical, ...), scope {service, team, environment} and free-text query; limit caps the records returned (default 20).',
  inputSchema: toolInput({
    query: string(),
    statuses: arrayOf(string()),
    severities: arrayOf(string()),
    scope: scope(),
    limit: positiveInteger(),
    metadata: anyRecord(),
  }),
  outputSchema: listOutput('incidents'),
  annotations: READ,
  writes: false,
  async run(args, ctx) {
    const filter = defined({
      query: args.query,
      statuses: words.incidentStatuses(args.statuses),
      severities: words.severities(args.severities),
      scope: scopeOf(args.scope),
    });
    const found = await collect(
      ctx,
      'query-incidents',
      { filter },
      ['incidents'],
      limitOf(args.limit),
      shape.incident,
      words.allOf(words.statusWords.incident(args.statuses), words.severityWords.incident(args.severities)),
    );
    return { structured: listAnswer('incidents', found, 'statuses, severities, scope or query, or a smaller limit') };
  },
};

export const getIncident: Tool = {
  name: 'get-incident',
  title: 'Get Incident',
  description:
    "Read one incident by its ID (the provider's own ID, as query-incidents returns it, or a gateway ID), with its deep link.",
  inputSchema: byId,
  outputSchema: recordOutput('incident'),
  annotations: READ,
  writes: false,
  async run(args, ctx) {
    const { record, errors } = await getOne(ctx, 'get-incident', 'Incident', args.id, 'incident');
    return {
      structured: defined({ incident: shape.incident(record), errors: errors.length > 0 ? errors : undefined }),
      links: linksOf(record, 'incident'),
    };
  },
};

export const getIncidentTimeline: Tool = {
  name: 'get-incident-timeline',
  title: 'Get Incident Timeline',
  description: "An incident's timeline (notes, status changes, escalations, alerts), newest first.",
  inputSchema: byId,
  outputSchema: listOutput('timeline'),
  annotations: READ,
  writes: false,
  async run(args, ctx) {
    const candidates = await candidateIds(ctx, 'Incident', args.id);
    // With several incident providers, the owner is whichever has the record.
    const id =
      candidates.length > 1
        ? (await getOne(ctx, 'get-incident', 'Incident', args.id, 'incident')).globalId
        : candidates[0];
    if (!id) throw new ToolError('no incident provider is configured');
    const found = await collect(ctx, 'get-incident-timeline', { id }, ['incident', 'timeline'], 200, (node) =>
      shape.timelineEntry(node, String(args.id)),
    );
    if (found.items.length === 0 && found.errors.some((e) => e.code === 'NOT_FOUND')) {
      throw new ToolError(`no incident with ID ${JSON.stringify(args.id)}`);
    }
    return { structured: listAnswer('timeline', found, 'get-incident-context for a summary') };
  },
};

async function incidentWrite(
  ctx: ToolContext,
  operation: string,
  root: string,
  args: Rec,
  input: (id: string) => Rec,
): Promise<Rec> {
  const [id] = await candidateIds(ctx, 'Incident', args.id);
  if (!id) throw new ToolError('no incident provider is configured');
  // Writes go to exactly one record: the first provider's, never retried against another.
  const { data, errors } = await run(ctx, operation, { input: input(id) });
  const payload = data[root];
  const userErrors = field(payload, 'userErrors');
  if (Array.isArray(userErrors) && userErrors.length > 0) {
    throw new ToolError(userErrors.map((e) => String(field(e, 'message'))).join('; '));
  }
  if (!isRec(payload)) throw new ToolError(describeErrors(errors, 'the write failed'));
  return payload;
}

export const appendIncidentNote: Tool = {
  name: 'append-incident-note',
  title: 'Append Incident Note',
  description: "Add a note to an incident's timeline, attributed to the calling agent's identity.",
  inputSchema: toolInput({ id: string(), body: string() }, ['id', 'body']),
  outputSchema: recordOutput('entry'),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  writes: true,
  async run(args, ctx) {
    if (typeof args.body !== 'string' || args.body.trim() === '') throw new ToolError('body: must not be blank');
    const payload = await incidentWrite(ctx, 'append-incident-note', 'incidentTimelineAppend', args, (incidentId) => ({
      incidentId,
      kind: 'NOTE',
      body: args.body,
    }));
    const entry = field(payload, 'entry');
    return { structured: { entry: isRec(entry) ? shape.timelineEntry(entry, String(args.id)) : null } };
  },
};

const incidentChange =
  (operation: string, root: string) =>
  async (args: Rec, ctx: ToolContext): Promise<{ structured: Rec }> => {
    const payload = await incidentWrite(ctx, operation, root, args, (id) =>
      defined({ id, note: typeof args.note === 'string' && args.note !== '' ? args.note : undefined }),
    );
    const incident = field(payload, 'incident');
    return { structured: { incident: isRec(incident) ? shape.incident(incident) : null } };
  };

export const acknowledgeIncident: Tool = {
  name: 'acknowledge-incident',
  title: 'Acknowledge Incident',
  description: 'Acknowledge an incident (someone is on it), with an optional note for the timeline.',
  inputSchema: toolInput({ id: string(), note: string() }, ['id']),
  outputSchema: recordOutput('incident'),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  writes: true,
  run: incidentChange('acknowledge-incident', 'incidentAcknowledge'),
};

export const resolveIncident: Tool = {
  name: 'resolve-incident',
  title: 'Resolve Incident',
  description: 'Resolve an incident, with an optional note for the timeline. Paging stops for it.',
  inputSchema: toolInput({ id: string(), note: string() }, ['id']),
  outputSchema: recordOutput('incident'),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  writes: true,
  run: incidentChange('resolve-incident', 'incidentResolve'),
};

function nodesOf(record: Rec, key: string): Rec[] {
  const nodes = field(record, key, 'nodes');
  return Array.isArray(nodes) ? nodes.filter(isRec) : [];
}

function statsOf(points: unknown): Rec | undefined {
  const values = (Array.isArray(points) ? points : [])
    .map((p) => field(p, 'value'))
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (values.length === 0) return undefined;
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    latest: round(values.at(-1) as number),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
    avg: round(values.reduce((a, b) => a + b, 0) / values.length),
    points: values.length,
  };
}

export const getIncidentContext: Tool = {
  name: 'get-incident-context',
  title: 'Get Incident Context',
  description:
    'Everything about one incident in one call: the incident, its service and owning team with who is on call, the latest timeline entries, alerts, linked tickets, deploys in the 24 hours before it, metric and log summaries over its window, and runbook runs, each with its deep link.',
  inputSchema: byId,
  outputSchema: {
    type: 'object',
    properties: { incident: { type: ['object', 'null'] }, errors: arrayOf({ type: 'object' }) },
    required: ['incident'],
  },
  annotations: READ,
  writes: false,
  async run(args, ctx) {
    const { record, errors } = await getOne(ctx, 'get-incident-context', 'Incident', args.id, 'incident');
    const serviceRecord = field(record, 'service');
    const teamRecord = field(serviceRecord, 'team');
    const logs = field(record, 'logs');
    const metrics = field(record, 'metrics');
    const members = (value: unknown) => (Array.isArray(value) ? value.filter(isRec).map(shape.member) : []);
    const incidentId = String(args.id);
    const context = defined({
      incident: shape.incident(record),
      service: isRec(serviceRecord) ? shape.service(serviceRecord) : undefined,
      team: isRec(teamRecord) ? shape.team(teamRecord) : undefined,
      onCall: members(field(teamRecord, 'onCall')).length
        ? members(field(teamRecord, 'onCall'))
        : members(field(serviceRecord, 'onCall')),
      timeline: nodesOf(record, 'timeline').map((n) => shape.timelineEntry(n, incidentId)),
      alerts: nodesOf(record, 'alerts').map(shape.alert),
      tickets: nodesOf(record, 'tickets').map(shape.ticket),
      deployments: nodesOf(record, 'deployments').map(shape.deployment),
      runs: nodesOf(record, 'orchestrationRuns').map(shape.run),
      metrics: (Array.isArray(metrics) ? metrics.filter(isRec) : []).map((s) =>
        defined({ name: s.name, labels: s.labels, unit: s.unit, url: s.url, stats: statsOf(s.points) }),
      ),
      logs: isRec(logs)
        ? defined({
            url: logs.url,
            errorCount: (Array.isArray(logs.entries) ? logs.entries : []).filter((e) =>
              ['ERROR', 'FATAL'].includes(String(field(e, 'level'))),
            ).length,
            recent: (Array.isArray(logs.entries) ? logs.entries.filter(isRec) : []).slice(0, 10).map(shape.logEntry),
          })
        : undefined,
      errors: errors.length > 0 ? errors : undefined,
    });
    return { structured: context, links: linksOf(record, 'incident') };
  },
};
