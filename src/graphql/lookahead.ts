/**
 * Starting child reads before their parent arrives. GraphQL resolves a field's children only once
 * the field itself has resolved, so a read that needs only the parent's identity (an incident's
 * timeline, tickets and runs need only its ID) would wait a whole provider round trip for a record
 * it does not use. A resolver that knows that identity up front calls `startEarly`: the children
 * selected in the operation run at once against a stand-in parent, their reads land in the
 * request's loaders, and when the real children resolve they find those reads already made or in
 * flight. Nothing is returned from here: the real resolvers still answer, and report any error.
 */
import {
  type FieldNode,
  type FragmentSpreadNode,
  GraphQLIncludeDirective,
  type GraphQLResolveInfo,
  GraphQLSkipDirective,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  type InlineFragmentNode,
  isObjectType,
  type SelectionSetNode,
} from 'graphql';

/** A child resolver that needs only what the stand-in parent carries. */
export type EarlyResolver<P, C> = (parent: P, args: Record<string, unknown>, ctx: C) => unknown;

export function startEarly<P, C>(
  info: GraphQLResolveInfo,
  parent: P,
  ctx: C,
  children: Readonly<Partial<Record<string, EarlyResolver<P, C>>>>,
): void {
  const type = getNamedType(info.returnType);
  if (!isObjectType(type)) return;
  const fields = type.getFields();
  for (const node of info.fieldNodes) {
    if (!node.selectionSet) continue;
    for (const child of selectedFields(node.selectionSet, info, type.name)) {
      const resolve = children[child.name.value];
      const definition = fields[child.name.value];
      if (!resolve || !definition) continue;
      start(() => resolve(parent, getArgumentValues(definition, child, info.variableValues), ctx));
    }
  }
}

/**
 * `startEarly` with the parent itself, the moment it arrives: before GraphQL completes it and what
 * arrived before it (children the look-ahead read with the parent), whose completion would
 * otherwise run first. `send` runs the start and sends the reads it began at once.
 */
export function startOnArrival<P, C>(
  info: GraphQLResolveInfo,
  parent: Promise<P>,
  ctx: C,
  children: Readonly<Partial<Record<string, EarlyResolver<P, C>>>>,
  send: (start: () => void) => void,
): void {
  parent.then(
    (record) => send(() => startEarly(info, record, ctx, children)),
    // The real resolver reports the parent's failure.
    () => undefined,
  );
}

function start(run: () => unknown): void {
  try {
    const result = run();
    // The real resolver meets the same read and reports its failure; this copy must not.
    if (result instanceof Promise) result.catch(() => undefined);
  } catch {
    // As above: a bad argument is reported by the real resolver.
  }
}

/** Whether `@skip` and `@include` keep a selection, as execution will decide. */
function included(node: FieldNode | InlineFragmentNode | FragmentSpreadNode, info: GraphQLResolveInfo): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.if !== false;
}

/** The fields selected on `typeName`, through fragments. */
function* selectedFields(set: SelectionSetNode, info: GraphQLResolveInfo, typeName: string): Generator<FieldNode> {
  for (const selection of set.selections) {
    if (!included(selection, info)) continue;
    if (selection.kind === 'Field') {
      yield selection;
    } else if (selection.kind === 'InlineFragment') {
      const on = selection.typeCondition?.name.value;
      if (!on || on === typeName) yield* selectedFields(selection.selectionSet, info, typeName);
    } else {
      const fragment = info.fragments[selection.name.value];
      if (fragment && fragment.typeCondition.name.value === typeName) {
        yield* selectedFields(fragment.selectionSet, info, typeName);
      }
    }
  }
}
