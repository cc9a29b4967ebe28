/** The executable schema built from `schema.graphql`. */
import { serialize } from 'node:v8';
import { type GraphQLNamedType, isEnumType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../../src/graphql/schema.js';

/** V8's serializer tags a string stored two bytes per character with `c`, one byte with `"`. */
const twoByte = (value: string) => serialize(value)[2] === 'c'.charCodeAt(0);

function namesOf(type: GraphQLNamedType): string[] {
  const names = [type.name];
  if (isEnumType(type)) for (const value of type.getValues()) names.push(value.name, String(value.value));
  if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) names.push(field.name);
  }
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const field of Object.values(type.getFields())) names.push(...field.args.map((arg) => arg.name));
  }
  return names;
}

describe('buildSchema', () => {
  // One two-byte key or enum value in an answer makes JSON.stringify write the whole answer two
  // bytes per character, and its UTF-8 encoding then takes V8's slow path (see `oneByteNames`).
  it.each([false, true])('keeps every name of schema.graphql one byte per character (federation: %s)', (federation) => {
    const ours = buildSchema().getTypeMap();
    const schema = buildSchema({ federation });
    // Federation's own types (link__Purpose, ...) come from @apollo/subgraph, not from schema.graphql.
    const types = Object.values(schema.getTypeMap()).filter((type) => type.name in ours);
    const names = types.flatMap(namesOf);
    expect(names.length).toBeGreaterThan(500);
    expect(names.filter(twoByte)).toEqual([]);
  });

  it('keeps the descriptions as written, characters beyond Latin-1 included', () => {
    const described = Object.values(buildSchema().getTypeMap()).some((type) =>
      Object.values(isObjectType(type) ? type.getFields() : {}).some((field) => field.description?.includes('…')),
    );
    expect(described).toBe(true);
  });
});
