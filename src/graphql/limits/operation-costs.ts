/**
 * The static cost of an operation, measured once per shape of its variables instead of on every
 * request: a console sends the same few documents over and over, and their cost changes only with
 * the variables a size argument reads. Entries hang off the operation's AST node, so they live as
 * long as the parsed document does (the document cache bounds that), and each operation keeps at
 * most `MAX_SHAPES_PER_OPERATION` shapes, dropping the oldest.
 */
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { analyzeOperation, type OperationCost } from './operation-cost.js';

export const MAX_SHAPES_PER_OPERATION = 32;

interface Costs {
  schema: GraphQLSchema;
  byShape: Map<string, OperationCost>;
}

const measured = new WeakMap<OperationDefinitionNode, Costs>();

export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): OperationCost {
  let costs = measured.get(operation);
  if (costs?.schema !== schema) {
    costs = { schema, byShape: new Map() };
    measured.set(operation, costs);
  }
  const shape = shapeOf(operation, variables);
  const known = costs.byShape.get(shape);
  if (known) return known;
  const cost = analyzeOperation(schema, document, operation, variables);
  if (costs.byShape.size >= MAX_SHAPES_PER_OPERATION) {
    const oldest = costs.byShape.keys().next().value;
    if (oldest !== undefined) costs.byShape.delete(oldest);
  }
  costs.byShape.set(shape, cost);
  return cost;
}

/** How many shapes an operation holds now (for the bound's test). */
export function shapesHeld(operation: OperationDefinitionNode): number {
  return measured.get(operation)?.byShape.size ?? 0;
}

/**
 * What the analysis can see of the declared variables: a size argument reads a number as it is and
 * a list by its length, and ignores anything else. A variable the operation does not declare is
 * not part of the shape: a document that uses one fails validation and is never cached, so its
 * AST node (and this entry) is never met again.
 */
function shapeOf(operation: OperationDefinitionNode, variables: Record<string, unknown>): string {
  let shape = '';
  for (const definition of operation.variableDefinitions ?? []) {
    const value = variables[definition.variable.name.value];
    shape += typeof value === 'number' ? `${value},` : Array.isArray(value) ? `[${value.length}],` : '_,';
  }
  return shape;
}
