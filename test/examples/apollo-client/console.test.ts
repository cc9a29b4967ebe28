/**
 * The console kit against the real gateway (HTTP and graphql-ws, API-token auth, the seeded mock
 * world): the program pages with fetchMore into one cached list, opens an incident, appends a note
 * and receives it over the subscription, its queries persisted, every request carrying the token.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { ApolloClient } from '@apollo/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createConsoleClient } from '../../../examples/apollo-client/client.js';
import { type ConsoleSession, runConsole } from '../../../examples/apollo-client/console.js';
import { bearer, makeToken } from '../../helpers/auth.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gql } from '../../helpers/graphql.js';

const ROOT = new URL('../../..', import.meta.url).pathname;
const operator = makeToken('console-operator', ['read', 'write']);
const PAGE_SIZE = 3;

interface Exchange {
  operationName?: string;
  sentText: boolean;
  persistedHash?: string;
  authorization: string | null;
  codes: string[];
  answeredData: boolean;
}

let gateway: TestGateway;
/** Every HTTP request the client sent and what came back, as seen on the wire. */
const exchanges: Exchange[] = [];
let client: ApolloClient;
let dispose: () => Promise<void>;
let session: ConsoleSession;
let openIds: string[];

const recordingFetch: typeof fetch = async (input, init) => {
  const body = JSON.parse(String(init?.body)) as {
    operationName?: string;
    query?: string;
    extensions?: { persistedQuery?: { sha256Hash: string } };
  };
  const response = await fetch(input, init);
  const answer = (await response.clone().json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  exchanges.push({
    ...(body.operationName ? { operationName: body.operationName } : {}),
    sentText: typeof body.query === 'string',
    ...(body.extensions?.persistedQuery ? { persistedHash: body.extensions.persistedQuery.sha256Hash } : {}),
    authorization: new Headers(init?.headers).get('authorization'),
    codes: (answer.errors ?? []).map((e) => String(e.extensions?.code)),
    answeredData: answer.data !== undefined && answer.data !== null,
  });
  return response;
};

beforeAll(async () => {
  gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
    security: { auth: { tokens: [operator.entry] } },
  });
  const open = await gql<{ incidents: { nodes: { id: string }[] } }>(
    gateway.url,
    '{ incidents(filter: { statuses: [TRIGGERED, ACKNOWLEDGED, MITIGATED] }, first: 100) { nodes { id } } }',
    {},
    bearer(operator.token),
  );
  openIds = open.data!.incidents.nodes.map((n) => n.id);
  ({ client, dispose } = createConsoleClient({
    url: gateway.url,
    token: () => operator.token,
    webSocketImpl: WebSocket,
    fetch: recordingFetch,
  }));
  session = await runConsole(client, { pageSize: PAGE_SIZE, maxPages: 10, note: 'Rolled back checkout 1.4.2' });
});

afterAll(async () => {
  await dispose?.();
  await gateway?.stop();
});

describe('Apollo Client console kit', () => {
  it('pages through the open incidents with fetchMore, the cache merging the pages into one list', () => {
    expect(openIds.length).toBeGreaterThan(PAGE_SIZE);
    expect(session.openIncidents.pages).toBe(Math.ceil(openIds.length / PAGE_SIZE));
    expect(session.openIncidents.totalCount).toBe(openIds.length);
    expect(session.openIncidents.listed.map((i) => i.id)).toEqual(openIds);
    const root = (client.cache.extract() as Record<string, object | undefined>).ROOT_QUERY ?? {};
    const cached = Object.keys(root).filter((key) => key.startsWith('incidents'));
    expect(cached).toEqual(['incidents:{"filter":{"statuses":["TRIGGERED","ACKNOWLEDGED","MITIGATED"]}}']);
  });

  it('opens the first incident and receives its own note over the timeline subscription', () => {
    expect(session.incident.id).toBe(openIds[0]);
    expect(session.received).toEqual({
      id: session.note.id,
      kind: 'NOTE',
      body: 'Rolled back checkout 1.4.2',
      actor: 'console-operator',
    });
  });

  it('persists its queries: the text goes once per document, later requests send the hash alone', () => {
    const list = exchanges.filter((e) => e.operationName === 'OpenIncidents');
    expect(list.map((e) => [e.sentText, e.codes])).toEqual([
      [false, ['PERSISTED_QUERY_NOT_FOUND']],
      [true, []],
      ...Array.from({ length: session.openIncidents.pages - 1 }, () => [false, []]),
    ]);
    expect(list.every((e) => e.persistedHash === list[0]!.persistedHash)).toBe(true);
    expect(list.slice(1).every((e) => e.answeredData)).toBe(true);
    expect(exchanges.map((e) => e.operationName)).toEqual(expect.arrayContaining(['IncidentPage', 'Note']));
  });

  it('sends the token on every HTTP request and the WebSocket, and gets nowhere without it', async () => {
    expect(exchanges.length).toBeGreaterThan(0);
    expect(exchanges.every((e) => e.authorization === `Bearer ${operator.token}`)).toBe(true);
    const anonymous = createConsoleClient({ url: gateway.url, webSocketImpl: WebSocket });
    try {
      await expect(runConsole(anonymous.client, { pageSize: PAGE_SIZE, maxPages: 1, note: 'x' })).rejects.toThrow(
        /401/,
      );
    } finally {
      await anonymous.dispose();
    }
  });

  it('runs as a program: npx tsx examples/apollo-client/console.ts against the gateway', async () => {
    const child = spawn(`${ROOT}node_modules/.bin/tsx`, ['examples/apollo-client/console.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', OPSORCH_URL: gateway.url, OPSORCH_TOKEN: operator.token, PAGE_SIZE: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // 'close', not 'exit': the exit can be told before the last of stdout is read.
    const [code] = (await once(child, 'close')) as [number | null];
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const printed = JSON.parse(stdout.trim().split('\n').at(-1)!) as ConsoleSession;
    expect(printed.openIncidents.listed.map((i) => i.id)).toEqual(openIds);
    expect(printed.openIncidents.pages).toBe(Math.ceil(openIds.length / 2));
    expect(printed.received.id).toBe(printed.note.id);
    expect(stdout).toContain(`${openIds.length} of ${openIds.length} open incidents`);
  });
});
