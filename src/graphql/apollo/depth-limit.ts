/** Rejects documents nested deeper than the limit before any resolver runs. */
import { type ASTNode, GraphQLError, Kind, type ValidationContext, type ValidationRule } from 'graphql';

export function depthLimit(maxDepth: number): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = new Map(
      context
        .getDocument()
        .definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])),
    );
    const depthOf = (node: ASTNode, depth: number, visiting: Set<string>): number => {
      if (!('selectionSet' in node) || !node.selectionSet) return depth;
      let deepest = depth;
      for (const selection of node.selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          // Introspection is deep by nature (GraphiQL's query nests type references) and cheap.
          if (selection.name.value.startsWith('__')) continue;
          deepest = Math.max(deepest, depthOf(selection, depth + (selection.selectionSet ? 1 : 0), visiting));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, depthOf(selection, depth, visiting));
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (fragment && !visiting.has(name)) {
            deepest = Math.max(deepest, depthOf(fragment, depth, new Set([...visiting, name])));
          }
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(operation) {
        const depth = depthOf(operation, 0, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`query is ${depth} levels deep; the limit is ${maxDepth}`, { nodes: [operation] }),
          );
        }
      },
    };
  };
}
