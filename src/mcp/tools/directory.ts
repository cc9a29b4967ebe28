import {
  anyRecord,
  arrayOf,
  listOutput,
  positiveInteger,
  recordOutput,
  scope,
  string,
  stringRecord,
  toolInput,
} from '../json-schema.js';
import * as shape from '../opsorch-shapes.js';
import { field, isRec, READ, type Rec, run, type Tool, ToolError } from '../tool.js';
import {
  candidateIds,
  collect,
  defined,
  getOne,
  limitOf,
  linksOf,
  listAnswer,
  recordTool,
  scopeOf,
} from './support.js';

const members = (value: unknown) => (Array.isArray(value) ? value.filter(isRec).map(shape.member) : []);

/** People on call now, each with when their shift ends (absent when it does not). */
const onCallNow = (value: unknown) =>
  Array.isArray(value)
    ? value.filter(isRec).map((m) => defined({ ...shape.member(m), onCallUntil: m.onCallUntil ?? undefined }))
    : [];

/** Who takes over each position next, and when; absent when the provider keeps no schedule. */
const nextShifts = (value: unknown) =>
  Array.isArray(value)
    ? value.filter(isRec).map((s) =>
        defined({
          member: isRec(s.member) ? shape.member(s.member) : undefined,
          role: s.role,
          start: s.start,
          end: s.end ?? undefined,
        }),
      )
    : undefined;

export const queryServices: Tool = {
  name: 'query-services',
  title: 'Query Services',
  description:
    "Look up services by IDs, name (canonical name or any provider's alias) or scope, with their owning team.",
  inputSchema: toolInput({
    ids: arrayOf(string()),
    name: string(),
    tags: stringRecord(),
    limit: positiveInteger(),
    scope: scope(),
    metadata: anyRecord(),
  }),
  outputSchema: listOutput('services'),
  annotations: READ,
  writes: false,
  async run(args, ctx) {
    const limit = limitOf(args.limit);
    if (Array.isArray(args.ids) && args.ids.length > 0) {
      const ids = (await Promise.all(args.ids.slice(0, limit).map((id) => candidateIds(ctx, 'Service', id)))).flat();
      const { data, errors } = await run(ctx, 'get-services', { ids });
      const services = (Array.isArray(data.nodes) ? data.nodes : []).filter(isRec).map(shape.service);
      return { structured: listAnswer('services', { items: services, truncated: false, errors }, 'ids') };
    }
    const filter = defined({
      names: typeof args.name === 'string' && args.name !== '' ? [args.name] : undefined,
      scope: scopeOf(args.scope),
    });
    const found = await collect(ctx, 'query-services', { filter }, ['services'], limit, shape.service);
    return { structured: listAnswer('services', found, 'name or scope, or a smaller limit') };
  },
};

export const listServices: Tool = {
  name: 'list-services',
  title: 'List Services',
  description: 'Every service in the catalogue, by canonical name, a page at a time (pass nextCursor back as cursor).',
  inputSchema: toolInput({ limit: positiveInteger(), cursor: string() }),
  outputSchema: listOutput('services'),
  annotations: READ,
  writes: false,
  async run(args, ctx) {
    const after = typeof args.cursor === 'string' && args.cursor !== '' ? args.cursor : undefined;
    const found = await collect(
      ctx,
      'query-services',
      defined({ after }),
      ['services'],
      limitOf(args.limit, 50),
      shape.service,
    );
    return { structured: listAnswer('services', found, 'query-services with a name or scope') };
  },
};

export const getService: Tool = {
  name: 'get-service',
  title: 'Get Service',
  description: 'Read one service by its ID (or canonical name): owning team, who is on call, aliases and deep link.',
  inputSchema: toolInput({ id: string() }, ['id']),
  outputSchema: recordOutput('service'),
  annotations: READ,
  writes: false,
  async run(args, ctx) {
    const { record, errors } = await getOne(ctx, 'get-service', 'Service', args.id, 'service').catch(
      async (err: unknown) => {
        // Agents often know a service by name only.
        if (!(err instanceof ToolError) || typeof args.id !== 'string') throw err;
        const { data } = await run(ctx, 'query-services', { filter: { names: [args.id] }, first: 1 });
        const [match] = (field(data, 'services', 'nodes') as unknown[] | undefined) ?? [];
        if (!isRec(match)) throw err;
        return getOne(ctx, 'get-service', 'Service', match.id, 'service');
      },
    );
    return {
      structured: defined({
        service: { ...shape.service(record), onCall: members(record.onCall) },
        errors: errors.length > 0 ? errors : undefined,
      }),
      links: linksOf(record, 'service'),
    };
  },
};

export const queryTeams: Tool = {
  name: 'query-teams',
  title: 'Query Teams',
  description: 'Search teams by name or handle.',
  inputSchema: toolInput({ name: string(), tags: stringRecord(), scope: scope(), metadata: anyRecord() }),
  outputSchema: listOutput('teams'),
  annotations: READ,
  writes: false,
  async run(args, ctx) {
    const filter = defined({ names: typeof args.name === 'string' && args.name !== '' ? [args.name] : undefined });
    const found = await collect(ctx, 'query-teams', { filter }, ['teams'], 100, shape.team);
    return { structured: listAnswer('teams', found, 'name') };
  },
};

export const getTeam = recordTool({
  name: 'get-team',
  title: 'Get Team',
  description: 'Read one team by its ID.',
  kind: 'Team',
  root: 'team',
  key: 'team',
  shape: shape.team,
});

export const getTeamMembers: Tool = {
  name: 'get-team-members',
  title: 'Get Team Members',
  description: "A team's members with their roles and whether they are on call now.",
  inputSchema: toolInput({ id: string() }, ['id']),
  outputSchema: listOutput('members'),
  annotations: READ,
  writes: false,
  async run(args, ctx) {
    const { record, errors } = await getOne(ctx, 'get-team-members', 'Team', args.id, 'team');
    return {
      structured: listAnswer('members', { items: members(record.members), truncated: false, errors }, 'get-team'),
    };
  },
};

/** Teams (or services) one who-is-on-call answer covers. */
const LISTED = 50;

export const whoIsOnCall: Tool = {
  name: 'who-is-on-call',
  title: 'Who Is On Call',
  description:
    'Who is on call right now and until when, and who takes over each position next: for a service (its team, or its own rotation), for a team, or for every team when neither is given.',
  inputSchema: toolInput({ service: string(), team: string() }),
  outputSchema: listOutput('onCall'),
  annotations: READ,
  writes: false,
  async run(args, ctx) {
    const service = typeof args.service === 'string' && args.service !== '' ? args.service : undefined;
    const team = typeof args.team === 'string' && args.team !== '' ? args.team : undefined;
    const byService = service !== undefined;
    const { data, errors } = await run(ctx, 'who-is-on-call', {
      byService,
      teams: team ? { names: [team] } : null,
      services: service ? { names: [service] } : null,
      teamsFirst: byService ? 0 : LISTED,
      servicesFirst: byService ? LISTED : 0,
    });
    const rows: Rec[] = [];
    for (const s of (field(data, 'services', 'nodes') as unknown[] | undefined) ?? []) {
      const teamRecord = field(s, 'team');
      const people = onCallNow(field(teamRecord, 'onCall'));
      rows.push(
        defined({
          service: field(s, 'name'),
          team: field(teamRecord, 'name'),
          onCall: people.length > 0 ? people : onCallNow(field(s, 'onCall')),
          nextOnCall: nextShifts(field(teamRecord, 'nextOnCall')),
          url: field(teamRecord, 'url') ?? field(s, 'url'),
        }),
      );
    }
    for (const t of (field(data, 'teams', 'nodes') as unknown[] | undefined) ?? []) {
      rows.push(
        defined({
          team: field(t, 'name'),
          onCall: onCallNow(field(t, 'onCall')),
          nextOnCall: nextShifts(field(t, 'nextOnCall')),
          url: field(t, 'url'),
        }),
      );
    }
    if (rows.length === 0 && (service || team)) {
      throw new ToolError(`no ${service ? `service ${JSON.stringify(service)}` : `team ${JSON.stringify(team)}`}`);
    }
    return { structured: listAnswer('onCall', { items: rows, truncated: false, errors }, 'service or team') };
  },
};
