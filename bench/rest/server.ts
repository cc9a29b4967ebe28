/**
 * A REST API shaped like OpsOrch Core's (`GET /incidents/{id}`, `GET /incidents/{id}/timeline`,
 * `POST /<capability>/query`, `GET /teams/{id}/members`, `POST /metrics/query`, `POST /logs/query`):
 * one provider call per request, over the same latency-injected mock world as the gateway. It is
 * the baseline a console without the gateway has to use.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Adapter, CapabilityMap, Result } from '../../adapters/contract/index.js';

type Handler = (params: string[], body: Record<string, unknown>) => Promise<unknown>;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function one<T>(results: Result<T>[]): T {
  const [result] = results;
  if (result === undefined) throw new HttpError(502, 'provider answered nothing');
  if (result instanceof Error) throw new HttpError(result.name === 'AdapterError' ? 404 : 502, result.message);
  return result;
}

function routes(caps: CapabilityMap): [string, RegExp, Handler][] {
  const query =
    <Q>(q: (queries: readonly Q[], ctx: object) => Promise<Result<unknown>[]>) =>
    async (_: string[], body: Record<string, unknown>) =>
      one(await q([{ first: 20, ...body } as Q], {}));
  return [
    ['GET', /^\/incidents\/([^/]+)$/, async ([id]) => one(await caps.incident.getMany([id as string], {}))],
    ['GET', /^\/incidents\/([^/]+)\/timeline$/, async ([id]) => one(await caps.incident.timelines([id as string], {}))],
    ['POST', /^\/incidents\/query$/, query(caps.incident.query)],
    ['POST', /^\/alerts\/query$/, query(caps.alert.query)],
    ['GET', /^\/alerts\/([^/]+)$/, async ([id]) => one(await caps.alert.getMany([id as string], {}))],
    ['POST', /^\/tickets\/query$/, query(caps.ticket.query)],
    ['GET', /^\/tickets\/([^/]+)$/, async ([id]) => one(await caps.ticket.getMany([id as string], {}))],
    ['POST', /^\/services\/query$/, query(caps.service.query)],
    ['POST', /^\/teams\/query$/, query(caps.team.query)],
    ['GET', /^\/teams\/([^/]+)\/members$/, async ([id]) => one(await caps.team.members([id as string], {}))],
    ['POST', /^\/deployments\/query$/, query(caps.deployment.query)],
    ['POST', /^\/metrics\/query$/, async (_, body) => one(await caps.metric.query([body as never], {}))],
    ['POST', /^\/logs\/query$/, async (_, body) => one(await caps.log.query([body as never], {}))],
  ];
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return {};
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Serves the REST API; `GET /health` for readiness, `GET /bench/calls` for the provider calls made. */
export function restServer(adapter: Adapter) {
  const table = routes(adapter.capabilities as CapabilityMap);
  let calls = 0;
  return createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    try {
      if (req.method === 'GET' && path === '/health') return send(res, 200, { status: 'ok' });
      if (req.method === 'GET' && path === '/bench/calls') return send(res, 200, { calls });
      for (const [method, pattern, handler] of table) {
        const match = req.method === method ? pattern.exec(path) : null;
        if (!match) continue;
        const body = await readJson(req);
        calls++;
        return send(res, 200, await handler(match.slice(1).map(decodeURIComponent), body));
      }
      send(res, 404, { code: 'not_found', message: `no route for ${req.method} ${path}` });
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      send(res, status, { code: 'error', message: err instanceof Error ? err.message : 'failed' });
    }
  });
}
