/** What the tools share: paging up to `limit`, fitting answers in the agent's budget, ID lookup. */

import type { NodeKind } from '../../data/models.js';
import { NODE_KINDS } from '../../data/models.js';
import { toGlobalId } from '../../graphql/ids.js';
import { recordOutput, string, toolInput } from '../json-schema.js';
import {
  field,
  isRec,
  READ,
  type Rec,
  type ResourceLink,
  run,
  type Tool,
  type ToolContext,
  ToolError,
} from '../tool.js';
import type { Keep } from '../vocabulary.js';

export const DEFAULT_LIMIT = 20;
/** The most records one call returns, whatever `limit` asks: past it, narrow the query. */
export const MAX_LIMIT = 1000;
const PAGE = 100;

export function limitOf(value: unknown, fallback = DEFAULT_LIMIT): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ToolError('limit: expected a positive integer');
  }
  return Math.min(value, MAX_LIMIT);
}

export function scopeOf(value: unknown): Rec | undefined {
  if (!isRec(value)) return undefined;
  const scope: Rec = {};
  for (const key of ['service', 'team', 'environment']) if (typeof value[key] === 'string') scope[key] = value[key];
  return Object.keys(scope).length > 0 ? scope : undefined;
}

/** Drops undefined values, so a GraphQL variable is absent rather than null. */
export function defined(record: Rec): Rec {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

/** Room left for the answer's own keys and the truncation note around the records. */
const WRAPPER_CHARS = 1_000;

/** The characters a record takes in the rendered answer, where it sits in a list two levels deep. */
function renderedSize(item: unknown): number {
  const json = JSON.stringify(item, null, 2);
  let lines = 1;
  for (let i = json.indexOf('\n'); i >= 0; i = json.indexOf('\n', i + 1)) lines += 1;
  return json.length + 4 * lines + 2;
}

/** Items in order until their rendered size would pass the budget of `maxChars`. */
export function fitToBudget<T>(items: readonly T[], maxChars: number): { items: T[]; truncated: boolean } {
  const kept: T[] = [];
  let size = WRAPPER_CHARS;
  for (const item of items) {
    size += renderedSize(item);
    if (size > maxChars) return { items: kept, truncated: true };
    kept.push(item);
  }
  return { items: kept, truncated: false };
}

export interface Collected {
  items: Rec[];
  totalCount?: number;
  truncated: boolean;
  nextCursor?: string;
  errors: Rec[];
}

/**
 * Pages through a connection until `limit` records or the size budget, whichever comes first, so
 * `limit` is honoured server-side and no answer outgrows an agent's context window.
 */
export async function collect(
  ctx: ToolContext,
  operation: string,
  variables: Rec,
  root: readonly string[],
  limit: number,
  shape: (node: Rec) => Rec,
  keep: Keep = () => true,
): Promise<Collected> {
  const items: Rec[] = [];
  const errors: Rec[] = [];
  let after: string | undefined;
  let totalCount: number | undefined;
  let size = WRAPPER_CHARS;
  for (let pages = 0; pages < Math.ceil(MAX_LIMIT / PAGE); pages += 1) {
    const first = Math.min(PAGE, limit - items.length);
    const { data, errors: pageErrors } = await run(ctx, operation, {
      ...variables,
      first,
      ...(after ? { after } : {}),
    });
    errors.push(...pageErrors);
    const connection = field(data, ...root);
    if (!isRec(connection)) {
      if (items.length === 0 && pageErrors.length > 0) throw new ToolError(String(pageErrors[0]?.message));
      break;
    }
    if (typeof connection.totalCount === 'number') totalCount = connection.totalCount;
    const nodes = Array.isArray(connection.nodes) ? connection.nodes.filter(isRec) : [];
    for (const [index, node] of nodes.entries()) {
      if (!keep(node, nodes)) continue;
      const item = shape(node);
      size += renderedSize(item);
      if (size > ctx.maxChars) {
        // The cursor of the last record kept, so a caller can continue exactly there.
        return { items, totalCount, truncated: true, ...cursorBefore(connection.edges, index, after), errors };
      }
      items.push(item);
      if (items.length >= limit) break;
    }
    const hasNext = field(connection, 'pageInfo', 'hasNextPage') === true;
    const endCursor = field(connection, 'pageInfo', 'endCursor');
    if (items.length >= limit) {
      return {
        items,
        totalCount,
        truncated: false,
        ...(hasNext && typeof endCursor === 'string' ? { nextCursor: endCursor } : {}),
        errors,
      };
    }
    if (!hasNext || typeof endCursor !== 'string') break;
    after = endCursor;
  }
  return { items, totalCount, truncated: false, errors };
}

/** The cursor just before the record at `index` of a page: where a caller continues. */
function cursorBefore(edges: unknown, index: number, pageStart: string | undefined): { nextCursor?: string } {
  const cursor = index > 0 && Array.isArray(edges) ? field(edges[index - 1], 'cursor') : pageStart;
  return typeof cursor === 'string' ? { nextCursor: cursor } : {};
}

/** The structured answer of a list tool, with a note that tells the agent how to narrow. */
export function listAnswer(key: string, collected: Collected, narrow: string): Rec {
  return defined({
    [key]: collected.items,
    ...(collected.totalCount !== undefined ? { totalCount: collected.totalCount } : {}),
    truncated: collected.truncated,
    nextCursor: collected.nextCursor,
    note: collected.truncated
      ? `truncated after ${collected.items.length} records to fit the answer budget; narrow with ${narrow}`
      : undefined,
    errors: collected.errors.length > 0 ? collected.errors : undefined,
  });
}

/** Who serves what, asked once per tool call. */
const providerCache = new WeakMap<ToolContext, Promise<Rec[]>>();

async function providers(ctx: ToolContext): Promise<Rec[]> {
  let list = providerCache.get(ctx);
  if (!list) {
    list = run(ctx, 'list-providers', {}).then(({ data }) =>
      Array.isArray(data.providers) ? data.providers.filter(isRec) : [],
    );
    providerCache.set(ctx, list);
  }
  return list;
}

/**
 * The global IDs an agent's ID can mean: a gateway ID as it is, or a provider's own ID (what
 * OpsOrch tools return) under each provider that serves the kind, in configuration order.
 */
export async function candidateIds(ctx: ToolContext, kind: NodeKind, id: unknown): Promise<string[]> {
  if (typeof id !== 'string' || id.trim() === '') throw new ToolError('id: expected a non-empty string');
  const decoded = /^[A-Za-z0-9_-]+$/.test(id) ? Buffer.from(id, 'base64url').toString('utf8') : '';
  if (decoded.startsWith(`${kind}:`)) return [id];
  const capability = NODE_KINDS[kind].toUpperCase();
  return (await providers(ctx))
    .filter((p) => p.capability === capability && typeof p.provider === 'string')
    .map((p) => toGlobalId(kind, p.provider as string, id));
}

/** The first provider's record for an agent's ID, or a ToolError saying nothing has it. */
export async function getOne(
  ctx: ToolContext,
  operation: string,
  kind: NodeKind,
  id: unknown,
  root: string,
  variables: Rec = {},
): Promise<{ record: Rec; errors: Rec[]; globalId: string }> {
  const errors: Rec[] = [];
  for (const globalId of await candidateIds(ctx, kind, id)) {
    const { data, errors: callErrors } = await run(ctx, operation, { ...variables, id: globalId });
    errors.push(...callErrors);
    const record = data[root];
    if (isRec(record)) return { record, errors, globalId };
  }
  const reason = errors.find((e) => e.code !== 'NOT_FOUND');
  throw new ToolError(reason ? String(reason.message) : `no ${kind.toLowerCase()} with ID ${JSON.stringify(id)}`);
}

/**
 * Links for one record: its deep link into the tool it came from, and, for the kinds served as MCP
 * resources (incidents, services), the `opsorch://<kind>/<id>` resource first.
 */
export function linksOf(record: Rec, resource?: 'incident' | 'service'): ResourceLink[] {
  const name = String(record.title ?? record.name ?? resource ?? 'record');
  const id = String(field(record, 'source', 'nativeId') ?? record.id);
  const links: ResourceLink[] = resource
    ? [
        {
          uri: `opsorch://${resource}/${encodeURIComponent(id)}`,
          name,
          description: `the ${resource} as an MCP resource`,
        },
      ]
    : [];
  if (typeof record.url === 'string') links.push({ uri: record.url, name, description: 'open it in its source tool' });
  return links;
}

/** A read of one record by ID: `operation` is also the tool's name, the answer `{ [key]: record }`. */
export function recordTool(spec: {
  name: string;
  title: string;
  description: string;
  kind: NodeKind;
  root: string;
  key: string;
  shape: (record: Rec) => Rec;
}): Tool {
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    inputSchema: toolInput({ id: string() }, ['id']),
    outputSchema: recordOutput(spec.key),
    annotations: READ,
    writes: false,
    async run(args, ctx) {
      const { record, errors } = await getOne(ctx, spec.name, spec.kind, args.id, spec.root);
      return {
        structured: defined({ [spec.key]: spec.shape(record), errors: errors.length > 0 ? errors : undefined }),
        links: linksOf(record),
      };
    },
  };
}
