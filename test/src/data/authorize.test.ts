/**
 * Authorization on the data floor, through the real server: two callers restricted to different
 * services send the identical query at the same moment (single-flight) and hold the identical
 * subscription (shared execution), and each sees only its own; every mutation and denial leaves
 * one exact audit line, and reads leave none.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlobalId } from '../../../src/graphql/ids.js';
import { bearer, makeToken, type TestToken, tempDir } from '../../helpers/auth.js';
import { type CallLog, countingAdapter } from '../../helpers/counting.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gql } from '../../helpers/graphql.js';
import { waitUntil } from '../../helpers/subscriptions.js';
import { initSession, type Session } from '../../helpers/ws.js';

const dir = tempDir('authorize');
const auditPath = join(dir, 'audit.log');
const admin = makeToken('ops-admin', ['read', 'write', 'admin']);
let gateway: TestGateway;
let log: CallLog;
let alpha: ReturnType<typeof makeToken>;
let alphaTwin: ReturnType<typeof makeToken>;
let beta: ReturnType<typeof makeToken>;
let alphaIncident: string;
let betaIncident: string;
let alphaService: string;
let betaService: string;
/** One token per team of the mock world, restricted to that team. */
let teamTokens: { team: string; token: TestToken }[];
/** One team, and a token restricted to it by each of its name, handle and native ID. */
let namedTeam: { name: string; handle: string };
let teamNameTokens: TestToken[];

type IncidentList = { incidents: { nodes: { id: string; status: string; service: { name: string } | null }[] } };
const LIST = '{ incidents(first: 100) { nodes { id status service { name } } } }';

beforeAll(async () => {
  const counted = countingAdapter(await mockAdapter({ latencyMs: 100 }));
  log = counted.log;
  // Two services, found through an unrestricted token on a gateway of their own.
  const probe = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
  const all = await gql<IncidentList>(probe.url, LIST);
  const teams = await gql<{ teams: { nodes: { id: string; name: string; handle: string | null }[] } }>(
    probe.url,
    '{ teams(first: 100) { nodes { id name handle } } }',
  );
  await probe.stop();
  teamTokens = (teams.data?.teams.nodes ?? []).map(({ name }) => ({
    team: name,
    token: makeToken(`team-${name}`, ['read'], { team: name }),
  }));
  const team = teams.data?.teams.nodes.find((t) => t.handle && t.handle !== t.name);
  if (!team?.handle) throw new Error('the mock world needs a team with a handle');
  namedTeam = { name: team.name, handle: team.handle };
  teamNameTokens = [team.name, team.handle, fromGlobalId(team.id).nativeId].map((word) =>
    makeToken(`team-by-${word}`, ['read'], { team: word }),
  );
  const open = (all.data?.incidents.nodes ?? []).filter((n) => n.service && n.status === 'TRIGGERED');
  const first = open[0];
  const other = open.find((n) => n.service?.name !== first?.service?.name);
  if (!first || !other) throw new Error('the mock world needs open incidents on two services');
  [alphaIncident, alphaService, betaIncident, betaService] = [
    first.id,
    first.service?.name as string,
    other.id,
    other.service?.name as string,
  ];
  alpha = makeToken('alpha', ['read', 'write'], { service: alphaService });
  alphaTwin = makeToken('alpha-twin', ['read'], { service: alphaService });
  beta = makeToken('beta', ['read'], { service: betaService });
  gateway = await startTestGateway([{ name: 'mock', adapter: counted.adapter }], {
    security: {
      auth: {
        tokens: [
          alpha.entry,
          alphaTwin.entry,
          beta.entry,
          admin.entry,
          ...teamTokens.map((t) => t.token.entry),
          ...teamNameTokens.map((t) => t.entry),
        ],
      },
      audit: { destination: auditPath, maxBytes: 1_000_000, keep: 1, reads: false },
    },
  });
});

afterAll(async () => {
  await gateway?.stop();
});

describe('restricted callers on shared work', () => {
  it('gives each of two callers sending the identical list query at once only its own service', async () => {
    const [a, b] = await Promise.all([
      gql<IncidentList>(gateway.url, LIST, {}, bearer(alpha.token)),
      gql<IncidentList>(gateway.url, LIST, {}, bearer(beta.token)),
    ]);
    const services = (r: typeof a) => new Set(r.data?.incidents.nodes.map((n) => n.service?.name));
    expect(services(a)).toEqual(new Set([alphaService]));
    expect(services(b)).toEqual(new Set([betaService]));
  });

  it('does not let a record read for one caller reach another at the same moment, but shares it between equals', async () => {
    const query = 'query One($id: ID!) { incident(id: $id) { id } }';
    log.reset();
    const [a, b] = await Promise.all([
      gql(gateway.url, query, { id: alphaIncident }, bearer(alpha.token)),
      gql(gateway.url, query, { id: alphaIncident }, bearer(beta.token)),
    ]);
    expect(a.data).toEqual({ incident: { id: alphaIncident } });
    expect(b.data?.incident ?? null).toBeNull();
    expect(b.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(log.count('incident', 'getMany')).toBe(2);

    log.reset();
    const [c, d] = await Promise.all([
      gql(gateway.url, query, { id: alphaIncident }, bearer(alpha.token)),
      gql(gateway.url, query, { id: alphaIncident }, bearer(alphaTwin.token)),
    ]);
    expect(c.data).toEqual(d.data);
    expect(log.count('incident', 'getMany')).toBe(1);
  });

  it('refuses a list scope outside the restriction', async () => {
    const result = await gql(
      gateway.url,
      'query Other($s: String!) { incidents(filter: { scope: { service: $s } }) { nodes { id } } }',
      { s: alphaService },
      bearer(beta.token),
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("counts for a restricted caller only the records it may see, not the provider's own total", async () => {
    type Counted = { totalCount: number; nodes: { id: string }[]; pageInfo: { hasNextPage: boolean } };
    const list = (token: string, filter = '') =>
      gql<{ incidents: Counted; alerts: Counted }>(
        gateway.url,
        `{ incidents(first: 100${filter}) { totalCount nodes { id } pageInfo { hasNextPage } }
           alerts(first: 100${filter}) { totalCount nodes { id } pageInfo { hasNextPage } } }`,
        {},
        bearer(token),
      );
    let hiddenByProvider = 0;
    for (const { team, token } of teamTokens) {
      const [mine, providers] = await Promise.all([
        list(token.token),
        list(admin.token, `, filter: { scope: { team: ${JSON.stringify(team)} } }`),
      ]);
      for (const kind of ['incidents', 'alerts'] as const) {
        const seen = mine.data?.[kind];
        expect(seen?.pageInfo.hasNextPage).toBe(false);
        expect(seen?.totalCount).toBe(seen?.nodes.length);
        hiddenByProvider += (providers.data?.[kind].totalCount ?? 0) - (seen?.nodes.length ?? 0);
      }
    }
    // The world holds a record the provider counts in a team's scope but the restriction hides.
    expect(hiddenByProvider).toBeGreaterThan(0);
  });

  it("matches a team restriction by the team's name, handle or ID, whichever of them records name it by", async () => {
    // The mock's incidents name their team by name and its alerts by handle.
    type Ids = { incidents: { nodes: { id: string }[] }; alerts: { nodes: { id: string }[] } };
    const view = (token: string, scope = '') => {
      const filter = scope ? `, filter: { scope: { team: ${JSON.stringify(scope)} } }` : '';
      return gql<Ids>(
        gateway.url,
        `{ incidents(first: 100${filter}) { nodes { id } } alerts(first: 100${filter}) { nodes { id } } }`,
        {},
        bearer(token),
      );
    };
    const ids = (result: Awaited<ReturnType<typeof view>>) => {
      expect(result.errors).toBeUndefined();
      const sorted = (nodes: { id: string }[] | undefined) => (nodes ?? []).map((n) => n.id).sort();
      return { incidents: sorted(result.data?.incidents.nodes), alerts: sorted(result.data?.alerts.nodes) };
    };
    const inScope = ids(await view(admin.token, namedTeam.name));
    expect(inScope.alerts.length).toBeGreaterThan(0);
    const seen = [];
    for (const token of teamNameTokens) {
      const mine = ids(await view(token.token));
      expect(mine.alerts).toEqual(inScope.alerts);
      expect(mine.incidents.length).toBeGreaterThan(0);
      expect(inScope.incidents).toEqual(expect.arrayContaining(mine.incidents));
      // A filter naming the team by its handle stays inside a restriction naming it otherwise.
      expect(ids(await view(token.token, namedTeam.handle))).toEqual(mine);
      seen.push(mine);
    }
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[2]).toEqual(seen[0]);
  });

  it('delivers the identical incidentUpdated subscription to each caller for its own incidents only', async () => {
    const subscribe = async (token: string): Promise<Session> => {
      const { session, answer } = await initSession(gateway.wsUrl, { authorization: `Bearer ${token}` });
      expect(answer).toEqual({ type: 'connection_ack' });
      session.send({
        id: '1',
        type: 'subscribe',
        payload: { query: 'subscription { incidentUpdated { incident { id } } }' },
      });
      return session;
    };
    const [a, b] = await Promise.all([subscribe(alpha.token), subscribe(beta.token)]);
    // A timeline subscription the restriction hides fails at once, before any event.
    b.send({
      id: '2',
      type: 'subscribe',
      payload: { query: `subscription { incidentTimelineUpdated(incidentId: "${alphaIncident}") { id } }` },
    });
    const hidden = (await b.next()) as { id: string; payload: { errors: { extensions: { code: string } }[] } };
    expect(hidden.id).toBe('2');
    expect(hidden.payload.errors[0]?.extensions.code).toBe('NOT_FOUND');
    expect(await b.next()).toEqual({ id: '2', type: 'complete' });

    for (const id of [alphaIncident, betaIncident]) {
      const ack = await gql(
        gateway.url,
        'mutation Ack($id: ID!) { incidentAcknowledge(input: { id: $id }) { userErrors { message } } }',
        { id },
        bearer(admin.token),
      );
      expect(ack.errors).toBeUndefined();
    }
    const idOf = (m: Record<string, unknown>) =>
      (m as { payload: { data: { incidentUpdated: { incident: { id: string } } } } }).payload.data.incidentUpdated
        .incident.id;
    expect(idOf(await a.next())).toBe(alphaIncident);
    expect(idOf(await b.next())).toBe(betaIncident);
    a.socket.close();
    b.socket.close();
  });

  it('executes a timeline event once per visibility, not once per caller nor once for all', async () => {
    const query = `subscription { incidentTimelineUpdated(incidentId: "${alphaIncident}") { body incident { id } } }`;
    const subscribe = async (token: string): Promise<Session> => {
      const { session, answer } = await initSession(gateway.wsUrl, { authorization: `Bearer ${token}` });
      expect(answer).toEqual({ type: 'connection_ack' });
      session.send({ id: token.slice(-6), type: 'subscribe', payload: { query } });
      return session;
    };
    const live = async () => {
      const response = await fetch(gateway.url.replace(/\/graphql$/, '/readyz'), { headers: bearer(admin.token) });
      return ((await response.json()) as { live: { subscriptions: number } }).live.subscriptions;
    };
    await waitUntil(async () => (await live()) === 0, 'the earlier subscriptions gone');
    // alpha and its twin hold other scopes but see the same; the admin sees everything.
    const sessions = await Promise.all([alpha, alphaTwin, admin].map((t) => subscribe(t.token)));
    await waitUntil(async () => (await live()) === 3, '3 live timeline subscriptions');
    log.reset();
    const note = await gql(
      gateway.url,
      'mutation Note($id: ID!) { incidentTimelineAppend(input: { incidentId: $id, body: "shared by view" }) { entry { id } } }',
      { id: alphaIncident },
      bearer(admin.token),
    );
    expect(note.errors).toBeUndefined();
    const messages = await Promise.all(sessions.map((s) => s.next()));
    for (const [i, token] of [alpha, alphaTwin, admin].entries()) {
      expect(messages[i]).toEqual({
        id: token.token.slice(-6),
        type: 'next',
        payload: { data: { incidentTimelineUpdated: { body: 'shared by view', incident: { id: alphaIncident } } } },
      });
    }
    // One execution for alpha and its twin, one for the admin, each reading the incident once.
    expect(log.count('incident', 'getMany')).toBe(2);
    for (const session of sessions) session.socket.close();
  });
});

describe('audit', () => {
  it('writes one exact line per mutation and per denial, and none for reads', async () => {
    const before = auditLines().length;
    await gql(gateway.url, LIST, {}, { ...bearer(alpha.token), 'x-request-id': 'audit-read' });
    expect(auditLines().length).toBe(before);

    await gql(
      gateway.url,
      'mutation Note($id: ID!) { incidentTimelineAppend(input: { incidentId: $id, body: "looking" }) { entry { actor } } }',
      { id: alphaIncident },
      { ...bearer(alpha.token), 'x-request-id': 'audit-write' },
    );
    await gql(
      gateway.url,
      'mutation Note($id: ID!) { incidentTimelineAppend(input: { incidentId: $id, body: "me too" }) { entry { actor } } }',
      { id: betaIncident },
      { ...bearer(beta.token), 'x-request-id': 'audit-denied' },
    );
    const lines = auditLines().slice(before);
    expect(lines.map(({ time, durationMs, ...rest }) => rest)).toEqual([
      {
        requestId: 'audit-write',
        actor: 'alpha',
        operation: 'mutation Note {incidentTimelineAppend}',
        action: 'incident.appendTimeline',
        targets: [fromGlobalId(alphaIncident).nativeId],
        provider: 'mock',
        outcome: 'ok',
        errorCode: null,
      },
      {
        requestId: 'audit-denied',
        actor: 'beta',
        operation: 'mutation Note {incidentTimelineAppend}',
        action: 'incident.appendTimeline',
        targets: [fromGlobalId(betaIncident).nativeId],
        provider: 'mock',
        outcome: 'denied',
        errorCode: 'FORBIDDEN',
      },
    ]);
    expect(typeof lines[0]?.durationMs).toBe('number');
    expect(Date.parse(String(lines[0]?.time))).not.toBeNaN();
    const text = readFileSync(auditPath, 'utf8');
    for (const secret of [alpha.token, beta.token, 'looking', 'me too']) expect(text).not.toContain(secret);
  });
});

function auditLines(): Record<string, unknown>[] {
  let text = '';
  try {
    text = readFileSync(auditPath, 'utf8');
  } catch {
    return [];
  }
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
