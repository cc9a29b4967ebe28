/** Every MCP tool's GraphQL operation, with the fragments it carries, is valid against schema.graphql. */
import { readdirSync } from 'node:fs';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../../src/graphql/schema.js';
import { operationSource } from '../../../src/mcp/operations.js';

const DIR = new URL('../../../src/mcp/operations/', import.meta.url).pathname;
const operations = readdirSync(DIR)
  .filter((f) => f.endsWith('.graphql') && f !== 'fragments.graphql')
  .map((f) => f.replace(/\.graphql$/, ''));

describe('MCP operations', () => {
  const schema = buildSchema();
  it.each(operations)('%s validates against the schema', (name) => {
    expect(validate(schema, parse(operationSource(name))).map((e) => e.message)).toEqual([]);
  });
  it('a fragment an operation does not use is not sent with it', () => {
    expect(operationSource('list-providers')).not.toContain('fragment');
    expect(operationSource('get-incident')).toContain('fragment IncidentFields');
    expect(operationSource('get-incident')).not.toContain('fragment AlertFields');
  });
});
