/**
 * An Elasticsearch / OpenSearch stand-in on a loopback port (HTTP, or HTTPS with a given
 * certificate), answering as their REST documentation shows: `GET /` with the distribution's
 * version block, `POST /{index}/_search` with the query DSL subset the gateway may send (bool
 * filter/must_not, range, term, terms, wildcard, regexp, simple_query_string, query_string), `sort`
 * with `search_after`, `track_total_hits` as a number, points in time (`/_pit` on Elasticsearch,
 * `/_search/point_in_time` on OpenSearch 2.4+, with the implicit `_shard_doc` tiebreaker), `_count`,
 * errors in the `{error:{root_cause,type,reason},status}` shape, API-key / basic / bearer auth, and
 * 429 `es_rejected_execution_exception` when told to. Unknown query types are a 400
 * `parsing_exception`, as on a real cluster, so a malformed request cannot pass unnoticed.
 */
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';

export type Flavor = 'elasticsearch-8' | 'opensearch-2' | 'opensearch-1';

export type Doc = Record<string, unknown>;

export interface SearchRecord {
  path: string;
  body: Record<string, unknown>;
  authorization: string | undefined;
}

export interface ElasticFake {
  url: string;
  flavor: Flavor;
  /** Documents by index name. */
  indices: Map<string, Doc[]>;
  searches: SearchRecord[];
  requests: { method: string; path: string }[];
  openPits(): number;
  /** Authorization headers accepted; empty accepts anything, including none. */
  accepted: Set<string>;
  rateLimitNext(count: number): void;
  malformedNext(kind: 'html' | 'no-hits'): void;
  /** Answers every page as the first, ignoring `search_after` (a broken proxy or plugin), while true. */
  ignoreSearchAfter: boolean;
  stop(): Promise<void>;
}

type Query = Record<string, unknown>;

class BadQuery extends Error {}

function get(doc: Doc, path: string): unknown {
  if (path in doc) return doc[path];
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

const values = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)];

function wildcardToRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) out += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else out += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 's');
}

/** simple_query_string with PHRASE|WHITESPACE: every term or "phrase" must occur (case-insensitive). */
function simpleQueryMatches(doc: Doc, q: Query): boolean {
  const text = String(q.query ?? '');
  const fields = (q.fields as string[] | undefined) ?? ['*'];
  const haystack = fields
    .flatMap((f) => values(get(doc, f)))
    .join(' ')
    .toLowerCase();
  const parts = [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => (m[1] ?? m[2] ?? '').toLowerCase());
  return parts.every((p) => p === '' || haystack.includes(p));
}

function matches(doc: Doc, query: Query | undefined): boolean {
  if (!query) return true;
  const entries = Object.entries(query);
  if (entries.length !== 1) throw new BadQuery('query malformed, expected exactly one query type');
  const [type, spec] = entries[0] as [string, Query];
  switch (type) {
    case 'match_all':
      return true;
    case 'bool': {
      const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]) as Query[];
      const should = list(spec.should);
      return (
        list(spec.filter).every((q) => matches(doc, q)) &&
        list(spec.must).every((q) => matches(doc, q)) &&
        list(spec.must_not).every((q) => !matches(doc, q)) &&
        (should.length === 0 || should.some((q) => matches(doc, q)))
      );
    }
    case 'range': {
      const [field, bounds] = Object.entries(spec)[0] as [string, { gte?: string; lte?: string }];
      const at = Date.parse(String(get(doc, field)));
      return (!bounds.gte || at >= Date.parse(bounds.gte)) && (!bounds.lte || at <= Date.parse(bounds.lte));
    }
    case 'term': {
      const [field, value] = Object.entries(spec)[0] as [string, unknown];
      const wanted = typeof value === 'object' && value !== null ? (value as { value: unknown }).value : value;
      return values(get(doc, field)).includes(String(wanted));
    }
    case 'terms': {
      const [field, wanted] = Object.entries(spec)[0] as [string, unknown];
      if (!Array.isArray(wanted)) throw new BadQuery('[terms] query does not support [value]');
      return values(get(doc, field)).some((v) => wanted.map(String).includes(v));
    }
    case 'wildcard': {
      const [field, value] = Object.entries(spec)[0] as [string, { value: string }];
      const re = wildcardToRegex(value.value);
      return values(get(doc, field)).some((v) => re.test(v));
    }
    case 'regexp': {
      const [field, value] = Object.entries(spec)[0] as [string, { value: string }];
      const re = new RegExp(`^(?:${value.value})$`);
      return values(get(doc, field)).some((v) => re.test(v));
    }
    case 'simple_query_string':
      return simpleQueryMatches(doc, spec);
    case 'query_string':
      // Enough Lucene for the tests: `field:value` pairs joined by AND.
      return String(spec.query)
        .split(/\s+AND\s+/)
        .every((part) => {
          const [field, value] = part.split(':');
          return value === undefined
            ? simpleQueryMatches(doc, { query: field })
            : values(get(doc, field ?? '')).includes(value);
        });
    default:
      throw new BadQuery(`unknown query [${type}]`);
  }
}

function indexMatches(pattern: string, name: string): boolean {
  return decodeURIComponent(pattern)
    .split(',')
    .some((p) => wildcardToRegex(p).test(name));
}

const VERSION: Record<Flavor, Record<string, unknown>> = {
  'elasticsearch-8': {
    number: '8.15.3',
    build_flavor: 'default',
    build_type: 'docker',
    lucene_version: '9.11.1',
    minimum_wire_compatibility_version: '7.17.0',
  },
  'opensearch-2': { distribution: 'opensearch', number: '2.17.1', build_type: 'tar', lucene_version: '9.11.1' },
  'opensearch-1': { distribution: 'opensearch', number: '1.3.19', build_type: 'tar', lucene_version: '8.10.1' },
};

export async function startElasticFake(
  options: { flavor?: Flavor; accepted?: string[]; tls?: { key: string; cert: string } } = {},
): Promise<ElasticFake> {
  const flavor = options.flavor ?? 'elasticsearch-8';
  const indices = new Map<string, Doc[]>();
  const pits = new Map<
    string,
    { pattern: string; docs: { index: string; id: string; doc: Doc; shardDoc: number }[] }
  >();
  let pitSeq = 0;
  let rateLimited = 0;
  let malformed: 'html' | 'no-hits' | null = null;

  const error = (res: ServerResponse, status: number, type: string, reason: string) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
    res.end(JSON.stringify({ error: { root_cause: [{ type, reason }], type, reason }, status }));
  };
  const ok = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      ...(flavor === 'elasticsearch-8' ? { 'x-elastic-product': 'Elasticsearch' } : {}),
    });
    res.end(JSON.stringify(body));
  };

  function snapshot(pattern: string) {
    let shardDoc = 0;
    return [...indices.entries()]
      .filter(([name]) => indexMatches(pattern, name))
      .flatMap(([index, docs]) =>
        docs.map((doc, i) => ({ index, id: String(doc._id ?? `${index}-${i}`), doc, shardDoc: shardDoc++ })),
      );
  }

  function search(res: ServerResponse, pattern: string | null, body: Record<string, unknown>) {
    const pitSpec = body.pit as { id?: string } | undefined;
    if (pitSpec && pattern !== null)
      return error(
        res,
        400,
        'action_request_validation_exception',
        'Validation Failed: 1: [indices] cannot be used with point in time;',
      );
    if (!pitSpec && pattern === null) return error(res, 400, 'illegal_argument_exception', 'an index is required');
    const pit = pitSpec ? pits.get(String(pitSpec.id)) : undefined;
    if (pitSpec && !pit)
      return error(res, 404, 'search_context_missing_exception', `No search context found for id [${pitSpec.id}]`);
    const docs = pit ? pit.docs : snapshot(pattern as string);
    const sort = body.sort as Record<string, { order: string }>[] | undefined;
    const sortField = sort?.[0] ? (Object.keys(sort[0])[0] as string) : undefined;
    let hits: typeof docs;
    try {
      hits = docs.filter((d) => matches(d.doc, body.query as Query | undefined));
    } catch (err) {
      return error(res, 400, 'parsing_exception', (err as Error).message);
    }
    const key = (d: (typeof docs)[number]): (number | string)[] => {
      const at = sortField ? Date.parse(String(get(d.doc, sortField))) : 0;
      return pit ? [at, d.shardDoc] : [at];
    };
    hits.sort((a, b) => {
      const [ka, kb] = [key(a), key(b)];
      for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return (kb[i] as number) - (ka[i] as number);
      return 0;
    });
    const after = body.search_after as (number | string)[] | undefined;
    if (after && !fake.ignoreSearchAfter) {
      if (after.length !== key(hits[0] ?? docs[0] ?? { index: '', id: '', doc: {}, shardDoc: 0 }).length) {
        return error(res, 400, 'illegal_argument_exception', 'search_after has 1 value(s) but sort has 2.');
      }
      hits = hits.filter((d) => {
        const k = key(d);
        for (let i = 0; i < k.length; i++) if (k[i] !== after[i]) return (k[i] as number) < (after[i] as number);
        return false;
      });
    }
    const size = typeof body.size === 'number' ? body.size : 10;
    const track = body.track_total_hits;
    const total =
      typeof track === 'number' && hits.length > track
        ? { value: track, relation: 'gte' }
        : { value: hits.length, relation: 'eq' };
    if (malformed === 'no-hits') {
      malformed = null;
      return ok(res, { took: 1, timed_out: false, _shards: { total: 1 } });
    }
    ok(res, {
      took: 3,
      timed_out: false,
      ...(pit ? { pit_id: pitSpec?.id } : {}),
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: {
        total,
        max_score: null,
        hits: hits.slice(0, size).map((d) => ({
          _index: d.index,
          ...(flavor === 'opensearch-1' ? { _type: '_doc' } : {}),
          _id: d.id,
          _score: null,
          _source: Object.fromEntries(Object.entries(d.doc).filter(([k]) => k !== '_id')),
          ...(sortField ? { sort: key(d) } : {}),
        })),
      },
    });
  }

  function route(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/') {
      return ok(res, {
        name: 'node-1',
        cluster_name: 'logs',
        cluster_uuid: 'u6Zl3JdQT4i5m5Q0Qd6X0A',
        version: VERSION[flavor],
        tagline:
          flavor === 'elasticsearch-8' ? 'You Know, for Search' : 'The OpenSearch Project: https://opensearch.org/',
      });
    }
    let m = /^\/([^/]+)\/_count$/.exec(path);
    if (m && method === 'GET') return ok(res, { count: snapshot(m[1] as string).length });
    if (path === '/_search' && method === 'POST') return search(res, null, body);
    m = /^\/([^/_][^/]*)\/_search$/.exec(path);
    if (m && method === 'POST') return search(res, m[1] as string, body);
    m = /^\/([^/]+)\/_pit$/.exec(path);
    if (m && method === 'POST' && flavor === 'elasticsearch-8') {
      if (!url.searchParams.get('keep_alive'))
        return error(res, 400, 'action_request_validation_exception', 'keep_alive is required');
      const id = Buffer.from(`pit-${++pitSeq}`).toString('base64');
      pits.set(id, { pattern: m[1] as string, docs: snapshot(m[1] as string) });
      return ok(res, { id });
    }
    if (path === '/_pit' && method === 'DELETE' && flavor === 'elasticsearch-8') {
      const found = pits.delete(String(body.id));
      return ok(res, { succeeded: found, num_freed: found ? 1 : 0 });
    }
    m = /^\/([^/]+)\/_search\/point_in_time$/.exec(path);
    if (m && method === 'POST' && flavor === 'opensearch-2') {
      const id = Buffer.from(`os-pit-${++pitSeq}`).toString('base64');
      pits.set(id, { pattern: m[1] as string, docs: snapshot(m[1] as string) });
      return ok(res, {
        pit_id: id,
        _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
        creation_time: Date.now(),
      });
    }
    if (path === '/_search/point_in_time' && method === 'DELETE' && flavor === 'opensearch-2') {
      const ids = (body.pit_id as string[]) ?? [];
      return ok(res, { pits: ids.map((id) => ({ successful: pits.delete(id), pit_id: id })) });
    }
    const type = flavor === 'elasticsearch-8' ? 'illegal_argument_exception' : 'invalid_index_name_exception';
    return error(res, 400, type, `no handler found for uri [${path}] and method [${method}]`);
  }

  const fake: ElasticFake = {
    url: '',
    flavor,
    indices,
    searches: [],
    requests: [],
    openPits: () => pits.size,
    ignoreSearchAfter: false,
    accepted: new Set(options.accepted ?? []),
    rateLimitNext(count) {
      rateLimited = count;
    },
    malformedNext(kind) {
      malformed = kind;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      fake.requests.push({ method: req.method ?? 'GET', path });
      let body: Record<string, unknown> = {};
      if (raw) {
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          return error(res, 400, 'parse_exception', 'request body is required to be valid JSON');
        }
      }
      if (fake.accepted.size > 0 && !fake.accepted.has(req.headers.authorization ?? '')) {
        res.setHeader('www-authenticate', 'Basic realm="security" charset="UTF-8", ApiKey');
        return error(res, 401, 'security_exception', `missing authentication credentials for REST request [${path}]`);
      }
      if (path.endsWith('/_search')) fake.searches.push({ path, body, authorization: req.headers.authorization });
      if (rateLimited > 0) {
        rateLimited--;
        return error(res, 429, 'es_rejected_execution_exception', 'rejected execution of coordinating operation');
      }
      if (malformed === 'html') {
        malformed = null;
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
      }
      route(req, res, body);
    });
  };
  const server: Server = options.tls
    ? createHttps({ key: options.tls.key, cert: options.tls.cert }, handler)
    : createHttp(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
