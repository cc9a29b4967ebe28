/**
 * Every list field of the schema asks its request's fair turns (`src/data/turns.ts`) before it
 * completes: within the request's slice it completes at once; past it, the list and everything
 * below it wait for the request's next turn, so a large result is completed in pieces between
 * which other requests run. The field's own resolver runs first, so the reads it starts join this
 * level's batch.
 */
import { defaultFieldResolver, type GraphQLSchema, getNullableType, isListType, isObjectType } from 'graphql';
import type { GatewayContext } from './context.js';

export function paceLists(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!isListType(getNullableType(field.type))) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, ctx: GatewayContext, info) => {
        const value = resolve(source, args, ctx, info);
        const paused = ctx.data?.scope.turns?.pause();
        return paused ? paused.then(() => value) : value;
      };
    }
  }
  return schema;
}
