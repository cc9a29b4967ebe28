/**
 * The shared provider HTTP client against a scripted loopback server: each test queues the
 * responses the server gives, in the shapes real providers send them.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AdapterError } from '../../../adapters/contract/index.js';
import { createHttpClient, fanOut, retryDelayMs } from '../../../adapters/http/index.js';

type Script = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let baseUrl: string;
let script: Script[] = [];
let seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const next = script.shift();
      if (next) next(req, res, body);
      else res.writeHead(500).end('script exhausted');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/base/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  script = [];
  seen = [];
});

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Script => {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };
};

const TOKEN = 'u+pdSecretToken1234';

function client(extra: Partial<Parameters<typeof createHttpClient>[0]> = {}) {
  return createHttpClient({
    baseUrl,
    provider: 'Acme',
    headers: { authorization: `Token token=${TOKEN}`, accept: 'application/json' },
    ...extra,
  });
}

async function failure(promise: Promise<unknown>): Promise<AdapterError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(AdapterError);
    return err as AdapterError;
  }
  throw new Error('expected the call to fail');
}

describe('createHttpClient', () => {
  it('joins the base path, repeats array query keys, sends headers and JSON bodies', async () => {
    script.push(json(200, { ok: true }), json(201, { id: 'X' }));
    const http = client();
    const got = await http.get('/things', {
      query: { 'statuses[]': ['triggered', 'acknowledged'], limit: 2, skip: undefined },
    });
    expect(got).toEqual({ ok: true });
    const created = await http.post('/things', { name: 'a "b"' }, { headers: { from: 'ops@example.com' } });
    expect(created).toEqual({ id: 'X' });
    expect(seen[0]?.url).toBe('/base/things?statuses%5B%5D=triggered&statuses%5B%5D=acknowledged&limit=2');
    expect(seen[0]?.headers.authorization).toBe(`Token token=${TOKEN}`);
    expect(seen[1]?.headers['content-type']).toBe('application/json');
    expect(seen[1]?.headers.from).toBe('ops@example.com');
    expect(JSON.parse(seen[1]?.body ?? '')).toEqual({ name: 'a "b"' });
    await http.close();
  });

  it('maps statuses to stable codes with a redacted summary of the body', async () => {
    const http = client();
    const cases: [number, unknown, string][] = [
      [400, { errorMessages: ['Field x is bad'], errors: { summary: 'required' } }, 'BAD_USER_INPUT'],
      [401, { error: { message: `Invalid token Token token=${TOKEN}`, code: 2006 } }, 'UNAUTHENTICATED'],
      [403, { error: { message: 'Access Denied' } }, 'FORBIDDEN'],
      [404, { error: { message: 'Not Found', code: 2100 } }, 'NOT_FOUND'],
      [422, { errors: { key: 'bad' } }, 'BAD_USER_INPUT'],
      [502, { message: `upstream sent authorization: Token token=${TOKEN}` }, 'PROVIDER_ERROR'],
    ];
    for (const [status, body, code] of cases) {
      script.push(json(status, body));
      const err = await failure(http.get('/x'));
      expect(err.code).toBe(code);
      expect(err.message).toContain(`Acme answered ${status} to GET /x`);
      expect(err.message).not.toContain(TOKEN);
    }
    await http.close();
  });

  it('never echoes a secret, even in an HTML page or an encoded form', async () => {
    const http = client({ secrets: ['hunter2-password'] });
    script.push((_req, res) => {
      res
        .writeHead(500, { 'content-type': 'text/html' })
        .end(`<html><head><title>Oops</title></head><body>${TOKEN} hunter2-password</body></html>`);
    });
    const err = await failure(http.get('/x'));
    expect(err.message).toContain('HTML page "Oops"');
    script.push((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`echo ${encodeURIComponent(TOKEN)} hunter2-password`);
    });
    const plain = await failure(http.get('/x'));
    expect(plain.message).not.toContain(encodeURIComponent(TOKEN));
    expect(plain.message).not.toContain('hunter2');
    await http.close();
  });

  it('retries a 429 after the wait the provider asked for, then succeeds', async () => {
    script.push(json(429, { error: { message: 'Rate Limit Exceeded', code: 2020 } }, { 'ratelimit-reset': '0' }));
    script.push(json(429, { errorMessages: ['Too many'] }, { 'retry-after': '0' }));
    script.push(json(200, { ok: 1 }));
    const http = client();
    expect(await http.get('/x')).toEqual({ ok: 1 });
    expect(seen).toHaveLength(3);
    await http.close();
  });

  it('gives up with RATE_LIMITED and retryAfter when the wait is too long or retries run out', async () => {
    const http = client({ maxRetryWaitMs: 1000, retries: 1 });
    script.push(json(429, { error: { message: 'Rate Limit Exceeded' } }, { 'ratelimit-reset': '42' }));
    const tooLong = await failure(http.get('/x'));
    expect(tooLong.code).toBe('RATE_LIMITED');
    expect(tooLong.retryAfter).toBe(42);
    expect(seen).toHaveLength(1);

    script.push(json(429, {}, { 'retry-after': '0' }), json(429, {}, { 'retry-after': '0' }));
    const exhausted = await failure(http.get('/x'));
    expect(exhausted.code).toBe('RATE_LIMITED');
    expect(seen).toHaveLength(3);
    await http.close();
  });

  it('sends a write that hits a 429 once, however short the wait, and answers RATE_LIMITED with retryAfter', async () => {
    const http = client();
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      seen = [];
      script.push(json(429, { errors: ['Rate limit exceeded'] }, { 'retry-after': '1' }), json(200, { ok: 1 }));
      const limited = await failure(http.request(method, '/write', { body: { n: 1 } }));
      expect(limited.code).toBe('RATE_LIMITED');
      expect(limited.retryAfter).toBe(1);
      expect(seen.map((r) => r.method)).toEqual([method]);
      script = [];
    }
    // A POST that only reads (a search) is retried like a GET.
    seen = [];
    script.push(json(429, {}, { 'retry-after': '0' }), json(200, { hits: 1 }));
    expect(await http.post('/search', { q: 1 }, { read: true })).toEqual({ hits: 1 });
    expect(seen).toHaveLength(2);
    await http.close();
  });

  it('times out a slow provider with TIMEOUT', async () => {
    const http = client({ timeoutMs: 200 });
    const held: ServerResponse[] = [];
    script.push((_req, res) => held.push(res));
    const err = await failure(http.get('/slow'));
    expect(err.code).toBe('TIMEOUT');
    for (const res of held) res.end();
    await http.close();
  });

  it('reports an unreachable provider without its address or credentials', async () => {
    // A port that was free a moment ago and has nobody listening now.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const http = createHttpClient({
      baseUrl: `http://127.0.0.1:${port}`,
      provider: 'Acme',
      headers: { authorization: 'Bearer abcdefgh' },
    });
    const err = await failure(http.get('/x'));
    expect(err.code).toBe('PROVIDER_ERROR');
    expect(err.message).toMatch(/Acme cannot be reached \(ECONNREFUSED\)/);
    await http.close();
  });

  it('refuses a base URL with embedded credentials', () => {
    expect(() => createHttpClient({ baseUrl: 'https://me:pw@example.com', provider: 'Acme' })).toThrow(/credentials/);
  });
});

describe('retryDelayMs', () => {
  const headers = (h: Record<string, string>) => new Headers(h);
  const now = Date.parse('2025-11-21T10:00:00.000Z');

  it('reads every header form providers use', () => {
    expect(retryDelayMs(headers({ 'retry-after': '7' }), now)).toBe(7000);
    expect(retryDelayMs(headers({ 'retry-after': 'Fri, 21 Nov 2025 10:00:30 GMT' }), now)).toBe(30_000);
    expect(retryDelayMs(headers({ 'ratelimit-reset': '12' }), now)).toBe(12_000);
    expect(retryDelayMs(headers({ 'x-ratelimit-reset': '2025-11-21T10:01Z' }), now)).toBe(60_000);
    expect(retryDelayMs(headers({ 'x-ratelimit-reset': String(now / 1000 + 5) }), now)).toBe(5000);
    expect(retryDelayMs(headers({ 'x-ratelimit-reset': 'soon' }), now)).toBeUndefined();
    expect(retryDelayMs(headers({}), now)).toBeUndefined();
  });
});

describe('fanOut', () => {
  it('caps concurrency and settles each item on its own, in order', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await fanOut([1, 2, 3, 4, 5, 6], 2, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      if (n === 3) throw new AdapterError('NOT_FOUND', 'three');
      return n * 10;
    });
    expect(peak).toBe(2);
    expect(results.slice(0, 2)).toEqual([10, 20]);
    expect(results[2]).toBeInstanceOf(AdapterError);
    expect(results.slice(3)).toEqual([40, 50, 60]);
  });
});
