/**
 * Static cost of an operation, computed from the document and its variables before anything is
 * executed. Every field costs 1; a field that returns many records multiplies what is below it by
 * how many it may return: its `first`, `limit` or `ids` argument (or that argument's default),
 * or DEFAULT_LIST_SIZE for a list without one. The `edges` and `nodes` of a connection are already
 * counted by the connection's `first`. This is GitHub's node limit, applied to every field.
 *
 * Each fragment is costed once and reused wherever it is spread, so the analysis stays linear in
 * the document however often fragments multiply each other.
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  visit,
} from 'graphql';

/** What a list without a size argument is assumed to hold. */
export const DEFAULT_LIST_SIZE = 10;
/** Arguments that bound how many records a field returns. */
const SIZE_ARGUMENTS = ['first', 'limit'];

export interface OperationCost {
  cost: number;
  depth: number;
  aliases: number;
  rootFields: number;
}

interface SelectionCost {
  cost: number;
  depth: number;
  fields: number;
}

export function analyzeOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): OperationCost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fragmentCosts = new Map<string, SelectionCost>();
  const visiting = new Set<string>();

  const sizeOf = (value: ValueNode | undefined, fallback: unknown): number | undefined => {
    const resolved = (value === undefined ? undefined : literalValue(value, variables)) ?? fallback;
    if (typeof resolved === 'number' && Number.isFinite(resolved)) return Math.max(0, Math.floor(resolved));
    if (Array.isArray(resolved)) return resolved.length;
    return undefined;
  };

  const multiplierOf = (field: GraphQLField<unknown, unknown>, node: FieldNode, parent: GraphQLNamedType): number => {
    for (const arg of field.args) {
      if (!SIZE_ARGUMENTS.includes(arg.name) && !(arg.name === 'ids' && isListType(getNullableType(arg.type)))) {
        continue;
      }
      const size = sizeOf(node.arguments?.find((a) => a.name.value === arg.name)?.value, arg.defaultValue);
      if (size !== undefined) return size;
    }
    // A connection's edges and nodes are the page its `first` already counted.
    if (parent.name.endsWith('Connection')) return 1;
    return isListType(getNullableType(field.type)) ? DEFAULT_LIST_SIZE : 1;
  };

  const costOf = (selectionSet: SelectionSetNode | undefined, type: GraphQLNamedType): SelectionCost => {
    const total: SelectionCost = { cost: 0, depth: 0, fields: 0 };
    if (!selectionSet) return total;
    for (const selection of selectionSet.selections) {
      let part: SelectionCost;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        // Introspection is answered from the schema in memory: its size is the schema's, not the caller's.
        if (name.startsWith('__')) {
          total.fields += 1;
          continue;
        }
        const field = isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
        if (!field) continue;
        const below = costOf(selection.selectionSet, getNamedType(field.type));
        const multiplier = multiplierOf(field, selection, type);
        part = {
          cost: 1 + multiplier * below.cost,
          depth: selection.selectionSet ? 1 + below.depth : 0,
          fields: 1,
        };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        part = costOf(selection.selectionSet, condition ?? type);
      } else {
        part = fragmentCost(selection.name.value);
      }
      total.cost += part.cost;
      total.depth = Math.max(total.depth, part.depth);
      total.fields += part.fields;
    }
    return total;
  };

  const fragmentCost = (name: string): SelectionCost => {
    const known = fragmentCosts.get(name);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || visiting.has(name)) return { cost: 0, depth: 0, fields: 0 };
    visiting.add(name);
    const type = schema.getType(fragment.typeCondition.name.value);
    const cost = type ? costOf(fragment.selectionSet, type) : { cost: 0, depth: 0, fields: 0 };
    visiting.delete(name);
    fragmentCosts.set(name, cost);
    return cost;
  };

  const root =
    operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  const result = root ? costOf(operation.selectionSet, root) : { cost: 0, depth: 0, fields: 0 };

  let aliases = 0;
  visit(document, {
    Field(node) {
      if (node.alias) aliases += 1;
    },
  });
  return { cost: result.cost, depth: result.depth, aliases, rootFields: result.fields };
}

function literalValue(node: ValueNode, variables: Record<string, unknown>): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return variables[node.name.value];
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.LIST:
      return node.values;
    default:
      return undefined;
  }
}
