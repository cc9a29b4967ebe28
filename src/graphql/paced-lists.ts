/**
 * Every list field of the schema asks its request's fair turns (`src/data/turns.ts`) before it
 * completes: within the request's slice it completes at once; past it, the list and everything
 * below it wait for the request's next turn, so a large result is completed in pieces between
 * which other requests run. The field's own resolver runs first, so the reads it starts join this
 * level's batch. A list of a request whose client has gone is not completed (before or after its
 * pause): see `abandoned-executions.ts`.
 */
import { defaultFieldResolver, type GraphQLSchema, getNullableType, isListType, isObjectType } from 'graphql';
import { stopIfAbandoned } from './abandoned-executions.js';
import type { GatewayContext } from './context.js';

export function paceLists(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!isListType(getNullableType(field.type))) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, ctx: GatewayContext, info) => {
        const scope = ctx.data?.scope;
        if (scope) stopIfAbandoned(scope.signal);
        const value = resolve(source, args, ctx, info);
        const paused = scope?.turns?.pause();
        if (!paused) return value;
        return paused.then(() => {
          if (scope?.signal.aborted) {
            // Its answer is dropped, so its failure is not the client's news either.
            void Promise.resolve(value).catch(() => undefined);
            stopIfAbandoned(scope.signal);
          }
          return value;
        });
      };
    }
  }
  return schema;
}
