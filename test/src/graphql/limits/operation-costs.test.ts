import { getOperationAST, type OperationDefinitionNode, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { analyzeOperation } from '../../../../src/graphql/limits/operation-cost.js';
import {
  MAX_SHAPES_PER_OPERATION,
  measureOperation,
  shapesHeld,
} from '../../../../src/graphql/limits/operation-costs.js';
import { buildSchema } from '../../../../src/graphql/schema.js';

const schema = buildSchema();

function operationOf(text: string) {
  const document = parse(text);
  return { document, operation: getOperationAST(document) as OperationDefinitionNode };
}

describe('measureOperation', () => {
  it('answers the analysis of these variables, measured once per shape of them', () => {
    const { document, operation } = operationOf(
      'query($n: Int, $ids: [ID!]!, $q: String) { incidents(first: $n, filter: { query: $q }) { nodes { id } } nodes(ids: $ids) { id } }',
    );
    const asked = [
      { n: 200, ids: ['a', 'b'], q: 'x' },
      { n: 2, ids: ['a', 'b'], q: 'x' },
      { n: 2, ids: ['a', 'b', 'c'], q: 'x' },
      { ids: [] },
    ];
    for (const variables of asked) {
      expect(measureOperation(schema, document, operation, variables)).toEqual(
        analyzeOperation(schema, document, operation, variables),
      );
    }
    const first = measureOperation(schema, document, operation, { n: 2, ids: ['a', 'b'], q: 'x' });
    // Other IDs and another text cost the same: the same measurement, not a new one.
    expect(measureOperation(schema, document, operation, { n: 2, ids: ['c', 'd'], q: 'y' })).toBe(first);
    expect(shapesHeld(operation)).toBe(asked.length);
  });

  it('keeps at most its bound of shapes per operation, and measures an evicted shape again', () => {
    const { document, operation } = operationOf('query($n: Int) { incidents(first: $n) { nodes { id } } }');
    const extra = 5;
    for (let n = 1; n <= MAX_SHAPES_PER_OPERATION + extra; n++) {
      expect(measureOperation(schema, document, operation, { n }).cost).toBe(
        analyzeOperation(schema, document, operation, { n }).cost,
      );
    }
    expect(shapesHeld(operation)).toBe(MAX_SHAPES_PER_OPERATION);
    const evicted = measureOperation(schema, document, operation, { n: 1 });
    expect(evicted).toEqual(analyzeOperation(schema, document, operation, { n: 1 }));
    expect(shapesHeld(operation)).toBe(MAX_SHAPES_PER_OPERATION);
  });

  it('measures again for another schema', () => {
    const { document, operation } = operationOf('{ incidents(first: 3) { nodes { id } } }');
    const here = measureOperation(schema, document, operation, {});
    const federated = measureOperation(buildSchema({ federation: true }), document, operation, {});
    expect(federated).not.toBe(here);
    expect(federated).toEqual(here);
  });
});
