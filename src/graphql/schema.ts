/**
 * The executable schema, from `schema.graphql` and the resolvers: a plain schema by default, or an
 * Apollo Federation v2 subgraph (`OPSORCH_FEDERATION=true`) whose entities a supergraph can join.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { buildSubgraphSchema } from '@apollo/subgraph';
import { makeExecutableSchema } from '@graphql-tools/schema';
import {
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
  Kind,
  type NameNode,
  type ObjectTypeDefinitionNode,
  parse,
  visit,
} from 'graphql';
import { ENTITY_KEYS, entityResolvers } from '../../resolvers/federation.js';
import { resolvers } from '../../resolvers/index.js';
import { paceLists } from './paced-lists.js';

type SubgraphResolvers = Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>['resolvers'];

/** Federation's code (0.7 MB of source, held in memory for the process's life) loads only for a subgraph. */
function subgraphSchemaBuilder(): typeof buildSubgraphSchema {
  const subgraph: typeof import('@apollo/subgraph') = createRequire(import.meta.url)('@apollo/subgraph');
  return subgraph.buildSubgraphSchema;
}

const SCHEMA_PATH = new URL('../../schema.graphql', import.meta.url);

/** The federation spec version linked; 2.3 is understood by every current router and gateway. */
const FEDERATION_SPEC = 'https://specs.apollo.dev/federation/v2.3';

export function buildSchema(options: { federation?: boolean } = {}): GraphQLSchema {
  const typeDefs = oneByteNames(parse(readFileSync(SCHEMA_PATH, 'utf8')));
  if (!options.federation) return paceLists(makeExecutableSchema({ typeDefs, resolvers: resolvers as never }));
  return paceLists(
    subgraphSchemaBuilder()({
      typeDefs: subgraphTypeDefs(typeDefs),
      resolvers: withEntities(resolvers as Record<string, object>) as SubgraphResolvers,
    }),
  );
}

/**
 * The document with every name (types, fields, arguments, enum values) as a string of one byte per
 * character. `schema.graphql`'s descriptions hold characters beyond Latin-1 (—, …), so V8 keeps the
 * whole text two bytes per character, and names the lexer cuts from it may stay so. Such a name
 * becomes a key or an enum value in answers, and one two-byte string anywhere in an answer makes
 * `JSON.stringify` write all of it two bytes per character, which then takes V8's slow path to
 * UTF-8 when it is measured and written (1.8M instructions of the incident page's 13.5M outside
 * compilation and GC). GraphQL names are ASCII, so decoding their Latin-1 bytes gives the same
 * name, stored one byte per character.
 */
function oneByteNames(document: DocumentNode): DocumentNode {
  return visit(document, {
    [Kind.NAME]: (node: NameNode) => ({ ...node, value: Buffer.from(node.value, 'latin1').toString('latin1') }),
  });
}

/** `schema.graphql` with the federation `@link` and a `@key` per entity; nothing else changes. */
export function subgraphTypeDefs(document: DocumentNode): DocumentNode {
  const keyed = visit(document, {
    ObjectTypeDefinition(node): ObjectTypeDefinitionNode | undefined {
      const keys = ENTITY_KEYS[node.name.value as keyof typeof ENTITY_KEYS];
      if (!keys) return undefined;
      return { ...node, directives: [...(node.directives ?? []), ...keys.map(keyDirective)] };
    },
  });
  const link = parse(`extend schema @link(url: "${FEDERATION_SPEC}", import: ["@key"])`);
  return { ...keyed, definitions: [...link.definitions, ...keyed.definitions] };
}

function keyDirective(fields: string): ConstDirectiveNode {
  return {
    kind: Kind.DIRECTIVE,
    name: { kind: Kind.NAME, value: 'key' },
    arguments: [
      {
        kind: Kind.ARGUMENT,
        name: { kind: Kind.NAME, value: 'fields' },
        value: { kind: Kind.STRING, value: fields },
      },
    ],
  };
}

function withEntities(base: Record<string, object>): Record<string, object> {
  const merged = { ...base };
  for (const [type, fields] of Object.entries(entityResolvers)) merged[type] = { ...merged[type], ...fields };
  return merged;
}
