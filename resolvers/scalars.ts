import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { utcMillis } from '../adapters/contract/timestamps.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function parseDateTime(value: unknown): string {
  if (typeof value !== 'string' || !RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
    throw new GraphQLError(
      `DateTime must be an RFC 3339 timestamp such as 2026-11-21T10:00:00Z, got ${JSON.stringify(value)}`,
      {
        extensions: { code: 'BAD_USER_INPUT' },
      },
    );
  }
  return new Date(value).toISOString();
}

/**
 * Providers' timestamps are nearly always in canonical form already, and a valid date written so
 * serializes to itself: `toISOString()`'s own form (YYYY-MM-DDTHH:MM:SS.mmmZ) read by the lists'
 * timestamp reader, which refuses out-of-range parts (30 February, 24:00) that `Date` rolls over.
 */
function isCanonical(value: string): boolean {
  return value.length === 24 && value.charCodeAt(19) === 0x2e /* . */ && !Number.isNaN(utcMillis(value));
}

export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An RFC 3339 timestamp, returned in UTC.',
  serialize(value) {
    if (typeof value === 'string' && isCanonical(value)) return value;
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new GraphQLError(`cannot serialize ${JSON.stringify(value)} as DateTime`);
    return date.toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral(ast) {
    return parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined);
  },
});

function parseUrl(value: unknown): string {
  if (typeof value === 'string' && URL.canParse(value) && /^https?:$/.test(new URL(value).protocol)) return value;
  throw new GraphQLError(`URL must be an absolute http(s) URL, got ${JSON.stringify(value)}`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

export const URLScalar = new GraphQLScalarType({
  name: 'URL',
  description: 'An absolute http(s) URL.',
  serialize: (value) => String(value),
  parseValue: parseUrl,
  parseLiteral: (ast) => parseUrl(ast.kind === Kind.STRING ? ast.value : undefined),
});

function literalToJson(ast: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((v) => literalToJson(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalToJson(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
    default:
      throw new GraphQLError(`unsupported JSON literal ${ast.kind}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
}

export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Arbitrary JSON.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literalToJson,
});

export const scalarResolvers = { DateTime, URL: URLScalar, JSON: JSONScalar };
