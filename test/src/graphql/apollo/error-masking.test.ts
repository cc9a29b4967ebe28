/**
 * An error reads the same over every transport: HTTP (Apollo's `formatError`), graphql-ws and
 * graphql-sse format through the same function, so a provider error keeps its code and provider,
 * and an internal error (here a provider value the schema cannot represent) is masked, never
 * echoed with what it carried.
 */
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient, type FormattedExecutionResult } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Adapter, Alert, Severity, TimelineEntryKind } from '../../../../adapters/contract/index.js';
import { AdapterError } from '../../../../adapters/contract/index.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../../helpers/gateway.js';
import { firstIncidentId, gql } from '../../../helpers/graphql.js';

/** A value no schema enum has: the graphql-js message for it quotes it back. */
const LEAKY = 'LEAKY_VALUE_7f3a';

let gateway: TestGateway;

beforeAll(async () => {
  const mock = await mockAdapter();
  const alerts = mock.capabilities.alert!;
  const incidents = mock.capabilities.incident!;
  const odd: Adapter = {
    ...mock,
    capabilities: {
      ...mock.capabilities,
      alert: {
        ...alerts,
        query: async (queries, ctx) =>
          (await alerts.query(queries, ctx)).map((page) =>
            page instanceof Error
              ? page
              : { ...page, nodes: page.nodes.map((a): Alert => ({ ...a, severity: LEAKY as Severity })) },
          ),
        getMany: async (ids) => ids.map(() => new AdapterError('PROVIDER_ERROR', 'upstream answered 503')),
      },
      incident: {
        ...incidents,
        timelines: async (ids, ctx) =>
          (await incidents.timelines(ids, ctx)).map((entries) =>
            entries instanceof Error ? entries : entries.map((e) => ({ ...e, kind: LEAKY as TimelineEntryKind })),
          ),
      },
    },
  };
  gateway = await startTestGateway([{ name: 'mock', adapter: odd }]);
});
afterAll(() => gateway.stop());

type Result = FormattedExecutionResult<Record<string, unknown>, unknown>;

/** Every result (and the error, if the operation failed outright) of one operation over graphql-ws. */
async function overWebSocket(query: string, variables: Record<string, unknown>, take: number): Promise<Result[]> {
  const client = createWsClient({ url: gateway.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
  try {
    return await collect(take, (next, error, complete) =>
      client.subscribe({ query, variables }, { next, error, complete }),
    );
  } finally {
    await client.dispose();
  }
}

async function overSse(query: string, variables: Record<string, unknown>, take: number): Promise<Result[]> {
  const client = createSseClient({ url: gateway.url, retryAttempts: 0 });
  try {
    return await collect(take, (next, error, complete) =>
      client.subscribe({ query, variables }, { next, error, complete }),
    );
  } finally {
    client.dispose();
  }
}

function collect(
  take: number,
  start: (next: (r: Result) => void, error: (e: unknown) => void, complete: () => void) => () => void,
): Promise<Result[]> {
  return new Promise((resolve, reject) => {
    const results: Result[] = [];
    let stop: () => void = () => undefined;
    const done = () => {
      stop();
      resolve(results);
    };
    stop = start(
      (result) => {
        results.push(result);
        if (results.length >= take) done();
      },
      (error) => {
        // graphql-ws hands the client the formatted `errors` of an `error` message as an array.
        if (Array.isArray(error)) {
          results.push({ errors: error } as Result);
          done();
        } else reject(error);
      },
      done,
    );
  });
}

const ALERTS = 'query Alerts { alerts(first: 2) { nodes { title severity } } }';
const ALERT = 'query Alert($id: ID!) { alert(id: $id) { title } }';

describe('errors over HTTP, graphql-ws and SSE', () => {
  it('an internal error is masked the same way on all three', async () => {
    const http = await gql(gateway.url, ALERTS);
    expect(http.errors?.length).toBeGreaterThan(0);
    for (const error of http.errors ?? []) {
      expect(error).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    }
    const [ws] = await overWebSocket(ALERTS, {}, 1);
    const [sse] = await overSse(ALERTS, {}, 1);
    const { status: _status, ...overHttp } = http;
    expect(ws).toEqual(overHttp);
    expect(sse).toEqual(overHttp);
    expect(JSON.stringify([ws, sse])).not.toContain(LEAKY);
  });

  it('a provider error keeps its message, code and provider the same way on all three', async () => {
    const id = Buffer.from('Alert:mock:a-1').toString('base64url');
    const { status: _status, ...http } = await gql(gateway.url, ALERT, { id });
    expect(http.errors?.[0]).toMatchObject({
      message: 'upstream answered 503',
      extensions: { code: 'PROVIDER_ERROR', provider: 'mock', capability: 'alert' },
    });
    expect(await overWebSocket(ALERT, { id }, 1)).toEqual([http]);
    expect(await overSse(ALERT, { id }, 1)).toEqual([http]);
  });

  it('a subscription event that fails is masked on graphql-ws and SSE as a query is over HTTP', async () => {
    const incidentId = await firstIncidentId(gateway.url);
    const replay = `subscription($id: ID!) {
      incidentTimelineUpdated(incidentId: $id, since: "2000-01-01T00:00:00Z") { body kind }
    }`;
    for (const results of [
      await overWebSocket(replay, { id: incidentId }, 1),
      await overSse(replay, { id: incidentId }, 1),
    ]) {
      expect(results[0]?.errors).toEqual([
        {
          message: 'Internal server error',
          path: ['incidentTimelineUpdated', 'kind'],
          locations: [{ line: 2, column: expect.any(Number) }],
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        },
      ]);
      expect(JSON.stringify(results)).not.toContain(LEAKY);
    }
  });

  it('a refused operation is formatted too: a validation error keeps its code', async () => {
    const [ws] = await overWebSocket('{ incidents { nope } }', {}, 1);
    expect(ws?.errors?.[0]?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });
});
