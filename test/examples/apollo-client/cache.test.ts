/** The console kit's cache policies cover schema.graphql exactly, and pages merge as a list. */
import { gql } from '@apollo/client';
import { GraphQLObjectType, getNamedType, isInterfaceType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { CONNECTION_FIELDS, createCache, EMBEDDED_WITH_ID, NODE_TYPES } from '../../../examples/apollo-client/cache.js';
import { buildSchema } from '../../../src/graphql/schema.js';

const schema = buildSchema();
const objectTypes = Object.values(schema.getTypeMap()).filter(
  (type): type is GraphQLObjectType => type instanceof GraphQLObjectType && !type.name.startsWith('__'),
);

describe('console kit cache policies', () => {
  it('paginate every connection field of the schema, keyed by every argument but first and after', () => {
    const inSchema: Record<string, Record<string, string[]>> = {};
    for (const type of objectTypes) {
      for (const field of Object.values(type.getFields())) {
        if (!getNamedType(field.type).name.endsWith('Connection')) continue;
        inSchema[type.name] ??= {};
        inSchema[type.name]![field.name] = field.args.map((a) => a.name).filter((a) => a !== 'first' && a !== 'after');
      }
    }
    expect(CONNECTION_FIELDS).toEqual(inSchema);
  });

  it('know every Node type, and keep records with a local ID inside their parent', () => {
    const node = schema.getType('Node');
    if (!isInterfaceType(node)) throw new Error('schema has no Node interface');
    const nodes = schema.getImplementations(node).objects.map((t) => t.name);
    expect([...NODE_TYPES].sort()).toEqual([...nodes].sort());
    const localIds = objectTypes.filter((t) => 'id' in t.getFields() && !nodes.includes(t.name)).map((t) => t.name);
    expect([...EMBEDDED_WITH_ID].sort()).toEqual(localIds.sort());
  });

  it('append a page selected as nodes to the list, and a first page replaces it', () => {
    const cache = createCache();
    const query = gql`
      query Page($first: Int, $after: String) {
        incidents(filter: { statuses: [TRIGGERED] }, first: $first, after: $after) {
          totalCount
          pageInfo { hasNextPage endCursor }
          nodes { id title }
        }
      }
    `;
    const page = (ids: string[], endCursor: string, hasNextPage: boolean) => ({
      incidents: {
        __typename: 'IncidentConnection',
        totalCount: 3,
        pageInfo: { __typename: 'PageInfo', hasNextPage, endCursor },
        nodes: ids.map((id) => ({ __typename: 'Incident', id, title: `title ${id}` })),
      },
    });
    cache.writeQuery({ query, variables: { first: 2 }, data: page(['a', 'b'], 'c2', true) });
    cache.writeQuery({ query, variables: { first: 2, after: 'c2' }, data: page(['c'], 'c3', false) });
    const merged = cache.readQuery<ReturnType<typeof page>>({ query, variables: { first: 2 } });
    expect(merged?.incidents.nodes.map((n) => n.id)).toEqual(['a', 'b', 'c']);
    expect(merged?.incidents.pageInfo).toMatchObject({ hasNextPage: false, endCursor: 'c3' });
    expect(cache.identify({ __typename: 'Incident', id: 'a' })).toBe('Incident:a');

    cache.writeQuery({ query, variables: { first: 2 }, data: page(['d'], 'c4', true) });
    const refreshed = cache.readQuery<ReturnType<typeof page>>({ query, variables: { first: 2 } });
    expect(refreshed?.incidents.nodes.map((n) => n.id)).toEqual(['d']);
  });
});
