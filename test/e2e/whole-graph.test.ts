/**
 * The whole graph as a deployment serves it: the compiled gateway in its own process with every
 * setting at its default, read over OpsOrch's own plugins and over the seeded mock world. Every list
 * the schema's Query offers, then every record of it by `node(id:)`, each with all its fields and
 * the records they join to, three levels deep. The selections are built from the schema, so a field
 * added later is read too. No answer may carry an error: a join that finds nothing is null or
 * empty, never an internal error (a team name no team has once was, through the read cache that
 * is on by default and was then off in the suites that start the gateway in-process).
 */
import { readFileSync } from 'node:fs';
import {
  buildSchema,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  getNamedType,
  isEnumType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPSORCH_PLUGIN_ENV } from '../helpers/opsorch.js';
import { type GatewayProcess, startGatewayProcess } from '../helpers/process.js';

const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));
const DEPTH = 3;
/** Records per connection or list argument: enough to meet records that join to nothing, under the cost limit. */
const FIRST = 10;

/** The arguments a field is read with, or null when it needs one this walk cannot make up. */
function argumentsOf(field: GraphQLField<unknown, unknown>): string | null {
  const given: string[] = [];
  for (const arg of field.args) {
    if (arg.name === 'first') given.push(`first: ${FIRST}`);
    else if (isNonNullType(arg.type) && arg.defaultValue === undefined) return null;
  }
  return given.length > 0 ? `(${given.join(', ')})` : '';
}

/** The selection of a value of `type` at `depth`: '' for a leaf, null past the depth. */
function selectionOf(type: GraphQLOutputType, depth: number): string | null {
  const named: GraphQLNamedType = getNamedType(type);
  if (isScalarType(named) || isEnumType(named)) return '';
  if (depth >= DEPTH) return null;
  if (isUnionType(named)) {
    const members = named.getTypes().map((member) => `... on ${member.name} ${fieldsOf(member, depth)}`);
    return `{ __typename ${members.join(' ')} }`;
  }
  if (isObjectType(named) || isInterfaceType(named)) return fieldsOf(named, depth);
  return null;
}

function fieldsOf(type: GraphQLObjectType | GraphQLInterfaceType, depth: number): string {
  const selected = ['__typename'];
  for (const field of Object.values(type.getFields())) {
    const args = argumentsOf(field);
    const selection = args === null ? null : selectionOf(field.type, depth + 1);
    if (selection !== null) selected.push(`${field.name}${args} ${selection}`);
  }
  return `{ ${selected.join(' ')} }`;
}

/** Query fields that list records: readable without arguments of their own, each with the record type it lists. */
function lists(): { field: string; query: string; recordType: string | undefined }[] {
  const query = schema.getQueryType() as GraphQLObjectType;
  return Object.values(query.getFields()).flatMap((field) => {
    const args = argumentsOf(field);
    const selection = args === null ? null : selectionOf(field.type, 0);
    if (selection === null) return [];
    // A connection's records are its edges' nodes.
    const connection = getNamedType(field.type);
    const edges = isObjectType(connection) ? connection.getFields().edges : undefined;
    const edge = edges ? getNamedType(edges.type) : undefined;
    const node = edge && isObjectType(edge) ? edge.getFields().node : undefined;
    return [
      {
        field: field.name,
        query: `{ ${field.name}${args} ${selection} }`,
        recordType: node ? getNamedType(node.type).name : undefined,
      },
    ];
  });
}

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

async function post(gateway: GatewayProcess, query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Answer;
}

/** The answer's errors, one line each, so a failure names every field that failed and why. */
const problems = (answer: Answer): string[] =>
  (answer.errors ?? []).map((e) => `${e.extensions?.code ?? '?'} at ${e.path?.join('.') ?? '(root)'}: ${e.message}`);

describe.each([
  ['OpsOrch plugins', OPSORCH_PLUGIN_ENV],
  ['the seeded mock world', {}],
])('the whole graph over %s, every setting at its default', (_, env) => {
  let gateway: GatewayProcess;

  beforeAll(async () => {
    gateway = await startGatewayProcess(env);
  });
  afterAll(async () => {
    await gateway.stop();
  });

  it.each(lists().map((list) => [list.field, list] as const))(
    '%s, three levels deep, without an error',
    async (_, list) => {
      const answer = await post(gateway, list.query);
      expect(problems(answer)).toEqual([]);
      expect(answer.data?.[list.field]).not.toBeNull();
    },
  );

  it('reads every listed record by node(id:), three levels deep, without an error', async () => {
    let read = 0;
    for (const { field, recordType } of lists()) {
      if (!recordType) continue;
      const page = await post(gateway, `{ ${field}(first: 100) { edges { node { id } } } }`);
      expect(problems(page)).toEqual([]);
      const { edges } = (page.data as Record<string, { edges: { node: { id: string } }[] }>)[field] ?? { edges: [] };
      const selection = fieldsOf(schema.getType(recordType) as GraphQLObjectType, 0);
      for (const { node } of edges) {
        read++;
        const answer = await post(gateway, `query($id: ID!) { node(id: $id) { ... on ${recordType} ${selection} } }`, {
          id: node.id,
        });
        expect(problems(answer), `${recordType} ${node.id}`).toEqual([]);
        expect((answer.data?.node as { __typename: string } | null)?.__typename).toBe(recordType);
      }
    }
    // OpsOrch's mock plugins and the mock world both seed dozens of records across the lists.
    expect(read).toBeGreaterThan(50);
  });
});
