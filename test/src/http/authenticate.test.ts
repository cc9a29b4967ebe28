/**
 * Identity over real HTTP: OpsOrch Core's bearer token answered exactly as the real Core binary
 * answers it, API tokens with scopes (read, write, admin), and the audit line of each denial.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromGlobalId } from '../../../src/graphql/ids.js';
import { bearer, makeToken, tempDir, writeTokensFile } from '../../helpers/auth.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gql } from '../../helpers/graphql.js';
import { type CoreProcess, startCore } from '../../helpers/opsorch-core.js';
import { upgradeRefusal } from '../../helpers/ws.js';

const CORE_TOKEN = 'demo';
const reader = makeToken('reader', ['read']);
const writer = makeToken('writer', ['read', 'write']);
const admin = makeToken('admin', ['read', 'write', 'admin']);
const dir = tempDir('auth-http');
const auditPath = join(dir, 'audit.log');

let gateway: TestGateway;
let core: CoreProcess;

beforeAll(async () => {
  const tokensFile = join(dir, 'tokens.json');
  writeTokensFile(tokensFile, [reader, writer, admin]);
  const mock = await mockAdapter();
  const adapter = { ...mock, checkHealth: async () => ({ status: 'DEGRADED' as const, message: 'replica lag 3 s' }) };
  [gateway, core] = await Promise.all([
    startTestGateway([{ name: 'mock', adapter }], {
      security: {
        auth: { bearerToken: CORE_TOKEN, tokens: [], tokensFile },
        audit: { destination: auditPath, maxBytes: 1_000_000, keep: 1, reads: false },
      },
    }),
    startCore({ OPSORCH_BEARER_TOKEN: CORE_TOKEN }),
  ]);
});

afterAll(async () => {
  await Promise.all([gateway?.stop(), core?.stop()]);
});

const HEADERS_COMPARED = [
  'content-type',
  'www-authenticate',
  'x-content-type-options',
  'access-control-allow-origin',
  'access-control-allow-headers',
  'access-control-allow-methods',
];

function shape(response: Response, body: string) {
  return {
    status: response.status,
    body,
    headers: Object.fromEntries(HEADERS_COMPARED.map((h) => [h, response.headers.get(h)])),
    requestId: response.headers.get('x-request-id') !== null,
  };
}

async function call(url: string, method: string, headers: Record<string, string>) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(method === 'POST' ? { body: JSON.stringify({ query: '{ __typename }' }) } : {}),
  });
  return shape(response, await response.text());
}

describe('OPSORCH_BEARER_TOKEN, side by side with OpsOrch Core', () => {
  const refused: [string, Record<string, string>][] = [
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer wrong' }],
    ['a lower-case scheme', { authorization: `bearer ${CORE_TOKEN}` }],
    ['another scheme', { authorization: `Basic ${CORE_TOKEN}` }],
    ['an empty token', { authorization: 'Bearer ' }],
    ['the token without a scheme', { authorization: CORE_TOKEN }],
  ];
  it.each(refused)('refuses %s exactly as Core does', async (_, headers) => {
    const [ours, theirs] = await Promise.all([
      call(gateway.url, 'POST', headers),
      call(`${core.base}/health`, 'GET', headers),
    ]);
    expect(theirs.status).toBe(401);
    expect(ours).toEqual(theirs);
    expect(ours.body).toBe('unauthorized\n');
  });

  it.each([
    ['the token', `Bearer ${CORE_TOKEN}`],
    ['the token with surrounding spaces', `Bearer   ${CORE_TOKEN}  `],
  ])('accepts %s as Core does, as an admin', async (_, authorization) => {
    const [ours, theirs] = await Promise.all([
      call(gateway.url, 'POST', { authorization }),
      call(`${core.base}/health`, 'GET', { authorization }),
    ]);
    expect(theirs.status).toBe(200);
    expect(ours.status).toBe(200);
    expect(JSON.parse(ours.body)).toEqual({ data: { __typename: 'Query' } });
    const health = await gql<{ providers: { health: { message: string | null } }[] }>(
      gateway.url,
      '{ providers { health { message } } }',
      {},
      { authorization },
    );
    expect(health.data?.providers[0]?.health.message).toBe('replica lag 3 s');
  });

  it('answers OPTIONS before authentication, with the same CORS headers as Core', async () => {
    const [ours, theirs] = await Promise.all([
      call(gateway.url, 'OPTIONS', {}),
      call(`${core.base}/incidents/query`, 'OPTIONS', {}),
    ]);
    expect(theirs.status).toBe(200);
    expect({ ...ours, requestId: false }).toEqual({ ...theirs, headers: { ...theirs.headers, 'content-type': null } });
  });

  it('refuses the WebSocket upgrade with a wrong Authorization header, as Core refuses it', async () => {
    const headers = { authorization: 'Bearer wrong' };
    const [ours, theirs] = await Promise.all([
      upgradeRefusal(gateway.wsUrl, headers),
      upgradeRefusal(`${core.base.replace(/^http/, 'ws')}/`, headers),
    ]);
    expect(theirs).toBe(401);
    expect(ours).toBe(401);
  });
});

describe('API tokens and scopes', () => {
  let incidentId: string;
  beforeAll(async () => {
    const list = await gql<{ incidents: { nodes: { id: string }[] } }>(
      gateway.url,
      '{ incidents(first: 1) { nodes { id } } }',
      {},
      bearer(reader.token),
    );
    incidentId = list.data?.incidents.nodes[0]?.id as string;
    expect(incidentId).toMatch(/.+/);
  });

  it('lets a read token read, and refuses its mutation with FORBIDDEN naming the capability', async () => {
    const result = await gql(
      gateway.url,
      'mutation Annotate($id: ID!) { incidentTimelineAppend(input: { incidentId: $id, body: "from a reader" }) { entry { id } } }',
      { id: incidentId },
      bearer(reader.token),
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', capability: 'incident' });
    const lines = auditLines().filter((l) => l.actor === 'reader');
    expect(lines.at(-1)).toMatchObject({
      actor: 'reader',
      operation: 'mutation Annotate {incidentTimelineAppend}',
      action: 'incident.appendTimeline',
      targets: [fromGlobalId(incidentId).nativeId],
      provider: 'mock',
      outcome: 'denied',
      errorCode: 'FORBIDDEN',
    });
  });

  it('lets a write token write, and the timeline entry names it as the actor', async () => {
    const result = await gql<{ incidentTimelineAppend: { entry: { actor: string; body: string } } }>(
      gateway.url,
      'mutation Annotate($id: ID!) { incidentTimelineAppend(input: { incidentId: $id, body: "from a writer" }) { entry { actor body } } }',
      { id: incidentId },
      bearer(writer.token),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.incidentTimelineAppend.entry).toEqual({ actor: 'writer', body: 'from a writer' });
  });

  it('shows provider health detail to admins only', async () => {
    const query = '{ providers { provider health { status message } } }';
    const forReader = await gql<{ providers: { health: { status: string; message: string | null } }[] }>(
      gateway.url,
      query,
      {},
      bearer(reader.token),
    );
    const forAdmin = await gql<{ providers: { health: { status: string; message: string | null } }[] }>(
      gateway.url,
      query,
      {},
      bearer(admin.token),
    );
    expect(forReader.data?.providers[0]?.health).toEqual({ status: 'DEGRADED', message: null });
    expect(forAdmin.data?.providers[0]?.health).toEqual({ status: 'DEGRADED', message: 'replica lag 3 s' });
  });

  it('audits each refused request without its credential', async () => {
    await call(gateway.url, 'POST', { authorization: 'Bearer not-a-real-token-value', 'x-request-id': 'denied-1' });
    const line = auditLines().find((l) => l.requestId === 'denied-1');
    expect(line).toMatchObject({
      actor: null,
      operation: 'POST /graphql',
      action: 'http.authenticate',
      outcome: 'denied',
      errorCode: 'UNAUTHENTICATED_INVALID',
    });
    expect(readFileSync(auditPath, 'utf8')).not.toContain('not-a-real-token-value');
  });
});

function auditLines(): Record<string, unknown>[] {
  return readFileSync(auditPath, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('trusted proxy', () => {
  const proxy = (trusted: string[]) => ({
    security: {
      auth: { tokens: [], proxy: { userHeader: 'x-forwarded-user', scopesHeader: 'x-forwarded-scopes', trusted } },
    },
  });
  const APPEND =
    'mutation Annotate($id: ID!) { incidentTimelineAppend(input: { incidentId: $id, body: "via the proxy" }) { entry { actor } } }';
  let bySubnet: TestGateway;
  let byMappedForm: TestGateway;
  let elsewhere: TestGateway;
  let incidentId: string;

  beforeAll(async () => {
    const mock = await mockAdapter();
    [bySubnet, byMappedForm, elsewhere] = await Promise.all([
      startTestGateway([{ name: 'mock', adapter: mock }], proxy(['192.0.2.0/24', '127.0.0.0/8'])),
      // How Node reports an IPv4 peer on a dual-stack socket; the test's peer is plain 127.0.0.1.
      startTestGateway([{ name: 'mock', adapter: mock }], proxy(['::ffff:127.0.0.1'])),
      startTestGateway([{ name: 'mock', adapter: mock }], proxy(['10.0.0.0/8', '2001:db8::/32'])),
    ]);
    const list = await gql<{ incidents: { nodes: { id: string }[] } }>(
      bySubnet.url,
      '{ incidents(first: 1) { nodes { id } } }',
      {},
      { 'x-forwarded-user': 'alice' },
    );
    incidentId = list.data?.incidents.nodes[0]?.id as string;
    expect(incidentId).toMatch(/.+/);
  });

  afterAll(async () => {
    await Promise.all([bySubnet?.stop(), byMappedForm?.stop(), elsewhere?.stop()]);
  });

  it('takes the user and scopes a proxy in a trusted range names, and the write names the user', async () => {
    const result = await gql<{ incidentTimelineAppend: { entry: { actor: string } } }>(
      bySubnet.url,
      APPEND,
      { id: incidentId },
      { 'x-forwarded-user': 'alice', 'x-forwarded-scopes': 'read,write' },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.incidentTimelineAppend.entry.actor).toBe('alice');
  });

  it('gives a named user only read without the scopes header', async () => {
    const result = await gql(bySubnet.url, APPEND, { id: incidentId }, { 'x-forwarded-user': 'bob' });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', capability: 'incident' });
  });

  it('trusts a proxy address written in another form than the one the peer arrives with', async () => {
    const result = await gql<{ incidentTimelineAppend: { entry: { actor: string } } }>(
      byMappedForm.url,
      APPEND,
      { id: incidentId },
      { 'x-forwarded-user': 'carol', 'x-forwarded-scopes': 'write read' },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.incidentTimelineAppend.entry.actor).toBe('carol');
  });

  it('refuses a user named by a peer outside the trusted ranges, and a request naming none', async () => {
    const outside = await call(elsewhere.url, 'POST', { 'x-forwarded-user': 'mallory' });
    expect(outside.status).toBe(401);
    const unnamed = await call(bySubnet.url, 'POST', {});
    expect(unnamed.status).toBe(401);
  });
});
