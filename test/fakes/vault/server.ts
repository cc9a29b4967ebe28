/**
 * A HashiCorp Vault stand-in on a loopback port, answering as Vault's HTTP API documentation
 * shows: `X-Vault-Token` auth (403 `{"errors":["permission denied"]}` otherwise), KV version 2 at
 * `/v1/secret/data/<path>` with versions and check-and-set, `auth/token/lookup-self` and
 * `renew-self`, AppRole login at `/v1/auth/approle/login`, `sys/health`, and 429 with
 * `Retry-After` when a rate limit quota is exceeded. Every request is recorded and announced.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface VaultRequest {
  method: string;
  path: string;
  token: string | undefined;
  namespace: string | undefined;
  body: Record<string, unknown> | null;
}

interface IssuedToken {
  ttl: number;
  renewable: boolean;
  issuedAt: number;
  expiresAt: number;
  /** Renewals never extend past this instant. */
  maxExpiresAt: number;
}

export interface VaultFake {
  url: string;
  rootToken: string;
  roleId: string;
  secretId: string;
  /** TTL (seconds) of tokens the AppRole login issues, and how far renewals can extend them. */
  approleTtl: number;
  approleMaxTtl: number;
  requests: VaultRequest[];
  events: EventEmitter;
  /** Writes a new version, as an operator rotating a secret would. */
  put(path: string, data: Record<string, unknown>): void;
  versions(path: string): number;
  revoke(token: string): void;
  rateLimitNext(count: number, retryAfterSeconds: number): void;
  malformedNext(): void;
  /** Resolves with the first request from now on that matches. */
  next(match: (r: VaultRequest) => boolean): Promise<VaultRequest>;
  issuedTokens(): string[];
  stop(): Promise<void>;
}

export async function startVaultFake(): Promise<VaultFake> {
  const store = new Map<string, { data: Record<string, unknown>; created: string }[]>();
  const tokens = new Map<string, IssuedToken>();
  let rateLimited = 0;
  let retryAfter = 1;
  let malformed = false;
  let server: Server | undefined;
  const events = new EventEmitter();

  const fake: VaultFake = {
    url: '',
    rootToken: `hvs.ROOT${randomBytes(8).toString('hex')}`,
    roleId: 'role-7c1f2e0a',
    secretId: `sid-${randomBytes(8).toString('hex')}`,
    approleTtl: 3600,
    approleMaxTtl: 7200,
    requests: [],
    events,
    put(path, data) {
      const versions = store.get(path) ?? [];
      versions.push({ data: { ...data }, created: new Date().toISOString() });
      store.set(path, versions);
    },
    versions: (path) => store.get(path)?.length ?? 0,
    revoke: (token) => {
      tokens.delete(token);
    },
    rateLimitNext(count, seconds) {
      rateLimited = count;
      retryAfter = seconds;
    },
    malformedNext() {
      malformed = true;
    },
    async next(match) {
      for (;;) {
        const [request] = (await once(events, 'request')) as [VaultRequest];
        if (match(request)) return request;
      }
    },
    issuedTokens: () => [...tokens.keys()],
    stop: () => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
  tokens.set(fake.rootToken, {
    ttl: 0,
    renewable: false,
    issuedAt: Date.now(),
    expiresAt: Infinity,
    maxExpiresAt: Infinity,
  });

  const reply = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const errors = (res: ServerResponse, status: number, ...messages: string[]) =>
    reply(res, status, { errors: messages });
  const envelope = (extra: Record<string, unknown>) => ({
    request_id: randomBytes(8).toString('hex'),
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data: null,
    wrap_info: null,
    warnings: null,
    auth: null,
    ...extra,
  });

  function live(token: string | undefined): IssuedToken | undefined {
    const t = token ? tokens.get(token) : undefined;
    if (t && t.expiresAt <= Date.now()) {
      tokens.delete(token as string);
      return undefined;
    }
    return t;
  }

  function route(req: VaultRequest, res: ServerResponse) {
    if (req.path === '/v1/sys/health') {
      return reply(res, 200, { initialized: true, sealed: false, standby: false, version: '1.18.0' });
    }
    if (req.method === 'POST' && req.path === '/v1/auth/approle/login') {
      if (req.body?.role_id !== fake.roleId || req.body?.secret_id !== fake.secretId) {
        return errors(res, 400, 'invalid role or secret ID');
      }
      const token = `hvs.AR${randomBytes(12).toString('hex')}`;
      const now = Date.now();
      tokens.set(token, {
        ttl: fake.approleTtl,
        renewable: true,
        issuedAt: now,
        expiresAt: now + fake.approleTtl * 1000,
        maxExpiresAt: now + fake.approleMaxTtl * 1000,
      });
      return reply(
        res,
        200,
        envelope({
          auth: {
            client_token: token,
            accessor: randomBytes(6).toString('hex'),
            policies: ['default', 'opsorch'],
            lease_duration: fake.approleTtl,
            renewable: true,
          },
        }),
      );
    }
    const token = live(req.token);
    if (!token) return errors(res, 403, 'permission denied');
    if (req.method === 'GET' && req.path === '/v1/auth/token/lookup-self') {
      const ttl = Number.isFinite(token.expiresAt) ? Math.max(0, Math.round((token.expiresAt - Date.now()) / 1000)) : 0;
      return reply(
        res,
        200,
        envelope({ data: { id: req.token, ttl, renewable: token.renewable, policies: ['root'] } }),
      );
    }
    if (req.method === 'POST' && req.path === '/v1/auth/token/renew-self') {
      if (!token.renewable) return errors(res, 400, 'lease is not renewable');
      const now = Date.now();
      token.expiresAt = Math.min(now + token.ttl * 1000, token.maxExpiresAt);
      const lease = Math.max(0, Math.round((token.expiresAt - now) / 1000));
      return reply(
        res,
        200,
        envelope({
          auth: { client_token: req.token, lease_duration: lease, renewable: token.expiresAt < token.maxExpiresAt },
        }),
      );
    }
    const kv = /^\/v1\/secret\/data\/(.+)$/.exec(req.path);
    if (kv) {
      const path = decodeURIComponent(kv[1] as string);
      const versions = store.get(path) ?? [];
      if (req.method === 'GET') {
        const latest = versions.at(-1);
        if (!latest) return errors(res, 404);
        return reply(
          res,
          200,
          envelope({
            data: {
              data: latest.data,
              metadata: {
                created_time: latest.created,
                custom_metadata: null,
                deletion_time: '',
                destroyed: false,
                version: versions.length,
              },
            },
          }),
        );
      }
      if (req.method === 'POST') {
        const cas = (req.body?.options as { cas?: number } | undefined)?.cas;
        if (cas !== undefined && cas !== versions.length) {
          return errors(res, 400, 'check-and-set parameter did not match the current version');
        }
        const data = req.body?.data;
        if (typeof data !== 'object' || data === null) return errors(res, 400, 'no data provided');
        fake.put(path, data as Record<string, unknown>);
        return reply(
          res,
          200,
          envelope({
            data: {
              created_time: new Date().toISOString(),
              deletion_time: '',
              destroyed: false,
              version: versions.length + 1,
            },
          }),
        );
      }
    }
    return errors(res, 404);
  }

  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', () => {
      let body: Record<string, unknown> | null = null;
      if (raw) {
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          return errors(res, 400, 'failed to parse JSON input');
        }
      }
      const record: VaultRequest = {
        method: req.method ?? 'GET',
        path: new URL(req.url ?? '/', 'http://fake').pathname,
        token: req.headers['x-vault-token'] as string | undefined,
        namespace: req.headers['x-vault-namespace'] as string | undefined,
        body,
      };
      fake.requests.push(record);
      if (rateLimited > 0) {
        rateLimited--;
        reply(
          res,
          429,
          { errors: [`request path "${record.path.slice(4)}": rate limit quota exceeded`] },
          { 'retry-after': String(retryAfter) },
        );
      } else if (malformed) {
        malformed = false;
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>upstream proxy</body></html>');
      } else {
        route(record, res);
      }
      events.emit('request', record);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
