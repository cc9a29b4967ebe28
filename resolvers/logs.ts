import type { LogQuery } from '../adapters/contract/index.js';
import type { LogEntryNode, LogResultNode } from '../src/data/models.js';
import type { Resolvers } from '../src/generated/graphql.js';
import type { GatewayContext } from '../src/graphql/context.js';
import { badUserInput } from '../src/graphql/errors.js';
import { checkRange, toScope } from './arguments.js';

export const MAX_LOG_LIMIT = 1000;

export function logsFor(
  ctx: GatewayContext,
  query: Omit<LogQuery, 'scope'> & { scope?: LogQuery['scope'] | undefined },
): Promise<LogResultNode> {
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_LOG_LIMIT) {
    throw badUserInput(`limit must be between 1 and ${MAX_LOG_LIMIT}, got ${query.limit}`, 'limit');
  }
  checkRange(query, 'query');
  const { scope, ...rest } = query;
  return ctx.data.logs.query(scope ? { ...rest, scope } : rest);
}

export const logResolvers: Resolvers = {
  Query: {
    logs(_, { query }, ctx) {
      const { scope, levels, query: text, limit, start, end, filters, raw } = query;
      return logsFor(ctx, {
        start,
        end,
        limit: limit ?? 100,
        ...(text ? { query: text } : {}),
        ...(levels?.length ? { levels } : {}),
        ...(filters?.length
          ? { filters: filters.map((f) => ({ field: f.field, op: f.op ?? 'EQ', value: f.value })) }
          : {}),
        ...(raw ? { raw: true } : {}),
        scope: toScope(scope),
      });
    },
  },
  LogEntry: {
    source: (parent: LogEntryNode) => ({
      provider: parent.provider,
      capability: 'LOG',
      nativeId: parent.id ?? `${parent.timestamp}`,
    }),
  },
};
