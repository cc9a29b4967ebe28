/**
 * Tool input schemas as plain JSON Schema (draft-07), written in the exact key order that
 * opsorch-mcp's zod-to-json-schema output has, so the 18 tools it defines stay byte-compatible.
 */
export type JsonSchema = { [key: string]: unknown };

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

export const string = (): JsonSchema => ({ type: 'string' });
export const dateTime = (): JsonSchema => ({ type: 'string', format: 'date-time' });
export const positiveInteger = (): JsonSchema => ({ type: 'integer', exclusiveMinimum: 0 });
export const boolean = (): JsonSchema => ({ type: 'boolean' });
export const arrayOf = (items: JsonSchema): JsonSchema => ({ type: 'array', items });
export const oneOf = (values: readonly string[]): JsonSchema => ({ type: 'string', enum: [...values] });
/** An object with any values (`z.record(z.any())`). */
export const anyRecord = (): JsonSchema => ({ type: 'object', additionalProperties: {} });
/** An object of strings (`z.record(z.string())`). */
export const stringRecord = (): JsonSchema => ({ type: 'object', additionalProperties: { type: 'string' } });

/** A closed object; `required` lists the keys that must be present. */
export function object(properties: Record<string, JsonSchema>, required: readonly string[] = []): JsonSchema {
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required: [...required] } : {}),
    additionalProperties: false,
  };
}

/** The top-level input schema of a tool. */
export function toolInput(properties: Record<string, JsonSchema>, required: readonly string[] = []): JsonSchema {
  return { ...object(properties, required), $schema: DRAFT_07 };
}

export const scope = (): JsonSchema => object({ service: string(), team: string(), environment: string() });

/** The record shape every structured answer shares: named lists plus paging and truncation. */
export function listOutput(key: string, item: JsonSchema = { type: 'object' }): JsonSchema {
  return {
    type: 'object',
    properties: {
      [key]: arrayOf(item),
      truncated: boolean(),
      nextCursor: string(),
      note: string(),
      errors: arrayOf({ type: 'object' }),
    },
    required: [key],
  };
}

export function recordOutput(key: string): JsonSchema {
  return {
    type: 'object',
    properties: { [key]: { type: ['object', 'null'] }, errors: arrayOf({ type: 'object' }) },
    required: [key],
  };
}
