/** The gateway as `npm start` runs it: zero-config mock world, probes, GraphiQL, start-up errors and graceful shutdown. */
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { gql, gqlData } from '../helpers/graphql.js';
import { providerCalls } from '../helpers/metrics.js';
import { type GatewayProcess, spawnGateway, spawnGatewayUnread, startGatewayProcess } from '../helpers/process.js';
import { waitUntil } from '../helpers/subscriptions.js';

describe('gateway process with no configuration', () => {
  let gateway: GatewayProcess;
  beforeAll(async () => {
    gateway = await startGatewayProcess({ OPSORCH_MOCK_LIVE: 'false' });
  });
  afterAll(() => gateway.stop());

  it('serves the seeded mock world for every capability', async () => {
    const data = await gqlData<{
      incidents: { totalCount: number };
      providers: { capability: string; provider: string }[];
    }>(gateway.url, '{ incidents { totalCount } providers { capability provider } }');
    expect(data.incidents.totalCount).toBeGreaterThanOrEqual(20);
    expect(data.providers.map((p) => p.capability).sort()).toEqual([
      'ALERT',
      'DEPLOYMENT',
      'INCIDENT',
      'LOG',
      'MESSAGING',
      'METRIC',
      'ORCHESTRATION',
      'SECRET',
      'SERVICE',
      'TEAM',
      'TICKET',
    ]);
  });

  it('answers /healthz and /readyz, with a request ID on every response', async () => {
    const health = await fetch(`${gateway.base}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const ready = await fetch(`${gateway.base}/readyz`, { headers: { 'x-request-id': 'trace-123' } });
    expect(ready.status).toBe(200);
    expect(ready.headers.get('x-request-id')).toBe('trace-123');
    expect(await ready.json()).toMatchObject({ status: 'ready', providers: [{ provider: 'mock', status: 'HEALTHY' }] });
  });

  it('serves GraphiQL to browsers from installed packages, with no CDN', async () => {
    const page = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="graphiql">');
    const scripts = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(scripts.length).toBeGreaterThanOrEqual(5);
    for (const asset of scripts) {
      expect(asset.startsWith('/graphiql/')).toBe(true);
      const response = await fetch(`${gateway.base}${asset}`);
      expect(response.status, asset).toBe(200);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    // API clients on the same URL still get GraphQL.
    const api = await fetch(`${gateway.url}?query=${encodeURIComponent('{ teams(first: 1) { totalCount } }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await api.json()).toMatchObject({ data: { teams: { totalCount: expect.any(Number) } } });
  });

  it('says in one warning line at start that, without auth, it serves loopback only', async () => {
    const warnings = gateway.logs.filter((line) => line.includes('"level":40'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] as string).msg).toBe(
      'no authentication configured: serving 127.0.0.1 (loopback) only, every caller acts as the local operator',
    );
  });

  it('logs one line per operation, without variables', async () => {
    await gqlData(gateway.url, 'query CanaryQuery($q: String) { incidents(filter: { query: $q }) { totalCount } }', {
      q: 'hunter2-canary',
    });
    const line = await gateway.waitForLog((l) => l.includes('CanaryQuery'), 'the CanaryQuery line');
    expect(JSON.parse(line)).toMatchObject({ operation: 'CanaryQuery', msg: 'graphql request' });
    expect(gateway.logs.join('\n')).not.toContain('hunter2-canary');
  });
});

describe('gateway process with production settings', () => {
  let gateway: GatewayProcess;
  beforeAll(async () => {
    // As `npm start` runs it outside a test runner (which sets NODE_ENV=test).
    gateway = await startGatewayProcess({ OPSORCH_MOCK_LIVE: 'false', NODE_ENV: 'production' });
  });
  afterAll(() => gateway.stop());

  it('answers introspection on loopback, as its introspection policy says', async () => {
    const data = await gqlData<{ __schema: { queryType: { name: string } } }>(
      gateway.url,
      '{ __schema { queryType { name } } }',
    );
    expect(data.__schema.queryType.name).toBe('Query');
  });
});

describe('graceful shutdown', () => {
  it('lets in-flight requests finish, closes subscriptions with 1001 and exits 0 on SIGTERM', async () => {
    const slow = '{"latencyMs":1500}';
    const gateway = await startGatewayProcess({
      OPSORCH_INCIDENT_PROVIDER: 'mock',
      OPSORCH_INCIDENT_CONFIG: slow,
      OPSORCH_SERVICE_PROVIDER: 'mock',
      OPSORCH_SERVICE_CONFIG: slow,
    });
    const client = createClient({
      url: gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      // The close is observed through `closed`; the default would print it.
      onNonLazyError: () => undefined,
    });
    const closed = new Promise<number>((resolve) =>
      client.on('closed', (event) => resolve((event as { code: number }).code)),
    );
    await new Promise<void>((resolve) => client.on('connected', () => resolve()));

    const inFlight = gqlData<{ incidents: { totalCount: number } }>(gateway.url, '{ incidents { totalCount } }');
    // SIGTERM once the query is at the provider (the floor counts a call as it reaches it).
    await waitUntil(
      async () => (await providerCalls({ url: gateway.url }, { capability: 'incident', operation: 'query' })) > 0,
      'the query reached the provider',
    );
    const exit = gateway.stop('SIGTERM');

    const answer = await inFlight;
    expect(answer.incidents.totalCount).toBeGreaterThan(0);
    expect(await closed).toBe(1001);
    expect(await exit).toBe(0);
    // Exit 0 after the gateway's own shutdown ran to its end, not a signal re-raised on the way.
    expect(gateway.logs.some((line) => line.includes('"msg":"stopped"'))).toBe(true);
    await expect(fetch(`${gateway.base}/healthz`)).rejects.toThrow();
    await client.dispose();
  });

  describe('while nobody reads its stdout', () => {
    /** A gateway whose log has filled stdout's pipe: the reader stopped after "gateway listening". */
    async function stalledGateway(): Promise<{ child: ReturnType<typeof spawnGateway>; url: string }> {
      const { child, url } = await spawnGatewayUnread({ OPSORCH_MOCK_LIVE: 'false' });
      // Each request's line carries its operation's name: 1.2 MB of log against a 64 KB pipe.
      const name = `Padded${'x'.repeat(60_000)}`;
      await Promise.all(Array.from({ length: 20 }, () => gql(url, `query ${name} { __typename }`)));
      return { child, url };
    }

    it('exits 0 on SIGTERM, the log it could not write dropped', async () => {
      const { child } = await stalledGateway();
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      expect(await exited).toEqual([0, null]);
      child.stdout!.destroy();
    });

    it('exits 0 on SIGTERM once the reader has gone', async () => {
      const { child } = await stalledGateway();
      child.stdout!.destroy();
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      expect(await exited).toEqual([0, null]);
    });

    it('writes every line, "stopped" last, when the reader comes back within the wait', async () => {
      const { child } = await stalledGateway();
      const stdout = child.stdout!;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      let text = '';
      stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
      });
      stdout.resume();
      await once(stdout, 'end');
      expect(await exited).toEqual([0, null]);
      const lines = text.trimEnd().split('\n');
      expect(lines.filter((line) => line.includes('Padded')).length).toBe(20);
      expect(JSON.parse(lines.at(-1) as string)).toMatchObject({ msg: 'stopped' });
    });
  });
});

describe('start-up errors', () => {
  async function failing(
    env: Record<string, string>,
  ): Promise<{ code: number | null; stderr: string; stdout: string }> {
    const child = spawnGateway(env);
    let stderr = '';
    let stdout = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    // 'close', not 'exit': the exit can be told before the last of stderr is read.
    const [code] = (await once(child, 'close')) as [number | null];
    return { code, stderr, stdout };
  }

  it('names the address in use and exits 1, the lines it logged before written', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const bad = await failing({ OPSORCH_ADDR: `127.0.0.1:${port}` });
      expect(bad.code).toBe(1);
      // One line, ours: not also a WebSocket library's "internal error" with a stack.
      expect(bad.stderr).toBe(
        `opsorch-gateway: failed to start: listen EADDRINUSE: address already in use 127.0.0.1:${port}\n`,
      );
      // Logged a moment before the exit, still waiting to be gathered with others.
      expect(bad.stdout).toMatch(/"msg":"no authentication configured/);
    } finally {
      taken.close();
    }
  });

  it('names the bad variable and exits 2', async () => {
    const bad = await failing({ OPSORCH_INCIDENT_PROVIDER: 'mock', OPSORCH_INCIDENT_CONFIG: '{oops' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/configuration error: OPSORCH_INCIDENT_CONFIG is not valid JSON/);
  });

  it('names a trusted proxy entry that is neither an address nor a range', async () => {
    const bad = await failing({
      OPSORCH_AUTH_PROXY_USER_HEADER: 'x-forwarded-user',
      OPSORCH_AUTH_PROXY_TRUSTED: '10.0.0.0/8, proxy.internal',
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /configuration error: OPSORCH_AUTH_PROXY_TRUSTED: "proxy\.internal" is not an IP address or CIDR range/,
    );
  });

  it('names an unknown provider kind', async () => {
    const bad = await failing({ OPSORCH_TICKET_PROVIDER: 'servicenow' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown provider kind "servicenow" \(known: .*mock/);
  });

  it('names the bad adapter config key', async () => {
    const bad = await failing({ OPSORCH_INCIDENT_PROVIDER: 'mock', OPSORCH_INCIDENT_CONFIG: '{"liveIntervalMs":-1}' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/provider mock \(mock\): .*liveIntervalMs/);
  });

  it('refuses to listen on a non-loopback address without auth, naming the variables, and exits 2', async () => {
    const bad = await failing({ OPSORCH_ADDR: '0.0.0.0:0' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /configuration error: OPSORCH_ADDR listens on 0\.0\.0\.0, which is not loopback, and no authentication is configured: set OPSORCH_BEARER_TOKEN/,
    );
    expect(bad.stderr).toMatch(/OPSORCH_INSECURE_NO_AUTH=true/);
  });

  it('names a missing secret reference without printing any secret', async () => {
    const bad = await failing({
      OPSORCH_INCIDENT_PROVIDER: 'mock',
      OPSORCH_INCIDENT_CONFIG: '{"token":{"env":"PD_TOKEN_MISSING"}}',
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/refers to environment variable PD_TOKEN_MISSING, which is not set/);
  });
});
