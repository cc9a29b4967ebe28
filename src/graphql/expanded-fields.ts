/**
 * How many fields an operation selects with its fragments expanded: what its compiled function
 * grows with, since graphql-jit writes code and keeps resolve info for every field it completes,
 * however few lines of the document spell them. A fragment is counted once and its count reused
 * wherever it is spread, so a count that runs to millions is found in one pass over the document.
 */
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export function expandedFields(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const counted = new Map<string, number>();
  const count = (set: SelectionSetNode | undefined): number => {
    let fields = 0;
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) fields += 1 + count(selection.selectionSet);
      else if (selection.kind === Kind.INLINE_FRAGMENT) fields += count(selection.selectionSet);
      else {
        const name = selection.name.value;
        let spread = counted.get(name);
        if (spread === undefined) {
          // A fragment that spreads itself (validation refuses it first) counts nothing.
          counted.set(name, 0);
          spread = count(fragments.get(name)?.selectionSet);
          counted.set(name, spread);
        }
        fields += spread;
      }
    }
    return fields;
  };
  return count(operation.selectionSet);
}
