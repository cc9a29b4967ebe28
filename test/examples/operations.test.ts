/** Every example operation in examples/ is valid against the schema, so the docs never drift from it. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../src/graphql/schema.js';

const DIR = new URL('../../examples/operations/', import.meta.url).pathname;
const files = readdirSync(DIR).filter((f) => f.endsWith('.graphql'));

describe('example operations', () => {
  const schema = buildSchema();
  it('has examples for the main console views', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });
  it.each(files)('%s validates against schema.graphql', (file) => {
    const errors = validate(schema, parse(readFileSync(join(DIR, file), 'utf8')));
    expect(errors.map((e) => e.message)).toEqual([]);
  });
});
