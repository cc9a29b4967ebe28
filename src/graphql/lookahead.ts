/**
 * Starting child reads before their parent arrives. GraphQL resolves a field's children only once
 * the field itself has resolved, so a read that needs only the parent's identity (an incident's
 * timeline, tickets and runs need only its ID) would wait a whole provider round trip for a record
 * it does not use. A resolver that knows that identity up front calls `startEarly`: the children
 * selected in the operation run at once against a stand-in parent, their reads land in the
 * request's loaders, and when the real children resolve they find those reads already made or in
 * flight. Nothing is returned from here: the real resolvers still answer, and report any error.
 * A child started early gets a stand-in `info` of its own, so it can start its own children the
 * moment it has a record (an incident's service, then the service's alerts), not a level later.
 */
import {
  type FieldNode,
  type FragmentSpreadNode,
  type GraphQLField,
  GraphQLIncludeDirective,
  type GraphQLResolveInfo,
  GraphQLSkipDirective,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  type InlineFragmentNode,
  isObjectType,
  Kind,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { deepFreeze } from '../../adapters/contract/index.js';

/** What the look-ahead reads of a field's `info`: the stand-in a child started early gets. */
export type LookaheadInfo = Pick<GraphQLResolveInfo, 'returnType' | 'fieldNodes' | 'variableValues' | 'fragments'>;

/** A child resolver that needs only what the stand-in parent carries. */
export type EarlyResolver<P, C> = (parent: P, args: Record<string, unknown>, ctx: C, info: LookaheadInfo) => unknown;

export function startEarly<P, C>(
  info: LookaheadInfo,
  parent: P,
  ctx: C,
  children: Readonly<Partial<Record<string, EarlyResolver<P, C>>>>,
): void {
  const type = getNamedType(info.returnType);
  if (!isObjectType(type)) return;
  if (!mayStart(info, type.name, children)) return;
  const fields = type.getFields();
  for (const node of info.fieldNodes) {
    if (!node.selectionSet) continue;
    for (const child of selectedFields(node.selectionSet, info, type.name)) {
      const resolve = children[child.name.value];
      const definition = fields[child.name.value];
      if (!resolve || !definition) continue;
      const childInfo: LookaheadInfo = {
        returnType: definition.type,
        fieldNodes: [child],
        variableValues: info.variableValues,
        fragments: info.fragments,
      };
      start(() => resolve(parent, argumentsOf(definition, child, info.variableValues), ctx, childInfo));
    }
  }
}

/**
 * `startEarly` with the parent itself, the moment it arrives: before GraphQL completes it and what
 * arrived before it (children the look-ahead read with the parent), whose completion would
 * otherwise run first. `send` runs the start and sends the reads it began at once.
 */
export function startOnArrival<P, C>(
  info: LookaheadInfo,
  parent: Promise<P | null>,
  ctx: C,
  children: Readonly<Partial<Record<string, EarlyResolver<P, C>>>>,
  send: (start: () => void) => void,
): void {
  parent.then(
    (record) => {
      if (record !== null && record !== undefined) send(() => startEarly(info, record, ctx, children));
    },
    // The real resolver reports the parent's failure.
    () => undefined,
  );
}

/**
 * `startEarly` on what a child started early answered, now or when its read arrives: the look-ahead
 * one level deeper. One still being read gets a `send` of its own on arrival. A record at hand (the
 * cross-request cache answered it) is started through `send` too, which, called within the caller's
 * own `send`, runs once the reads gathered there have gone out: its children are mostly answered by
 * the same cache, and working them out would hold back reads on their way to a provider.
 */
export function startUnder<P, C>(
  info: LookaheadInfo,
  record: P | Promise<P | null> | null,
  ctx: C,
  children: Readonly<Partial<Record<string, EarlyResolver<P, C>>>>,
  send: (start: () => void) => void,
): void {
  if (record instanceof Promise) startOnArrival(info, record, ctx, children, send);
  else if (record !== null) send(() => startEarly(info, record, ctx, children));
}

/**
 * Whether a field selects any child `children` answers early, directives aside (they can only
 * leave children out): once per field node, operation text and parent type, since a list calls
 * `startEarly` for every record with the same field and a list of teams that shows only their
 * names has nothing to start.
 */
const selectsEarly = new WeakMap<object, WeakMap<FieldNode, Map<string, boolean>>>();

function mayStart(info: LookaheadInfo, typeName: string, children: object): boolean {
  const [node, ...more] = info.fieldNodes;
  if (!node || more.length > 0) return true;
  let byNode = selectsEarly.get(children);
  if (!byNode) {
    byNode = new WeakMap();
    selectsEarly.set(children, byNode);
  }
  let byType = byNode.get(node);
  if (!byType) {
    byType = new Map();
    byNode.set(node, byType);
  }
  let answer = byType.get(typeName);
  if (answer === undefined) {
    answer = node.selectionSet !== undefined && selects(node.selectionSet, info, typeName, children);
    byType.set(typeName, answer);
  }
  return answer;
}

function selects(set: SelectionSetNode, info: LookaheadInfo, typeName: string, children: object): boolean {
  return set.selections.some((selection) => {
    if (selection.kind === 'Field') return Object.hasOwn(children, selection.name.value);
    if (selection.kind === 'InlineFragment') {
      const on = selection.typeCondition?.name.value;
      return (!on || on === typeName) && selects(selection.selectionSet, info, typeName, children);
    }
    const fragment = info.fragments[selection.name.value];
    return fragment?.typeCondition.name.value === typeName && selects(fragment.selectionSet, info, typeName, children);
  });
}

/**
 * A field's argument values when they are all written in the document (no variables): they are
 * the same on every request with that document, so coerced once and kept with the field node,
 * frozen, since the next request's early start gets the same object (a resolver changing its
 * arguments throws in an early start, which only skips it: the real resolver gets its own).
 */
const literalArguments = new WeakMap<
  FieldNode,
  { definition: GraphQLField<unknown, unknown>; args: Record<string, unknown> }
>();

function argumentsOf(
  definition: GraphQLField<unknown, unknown>,
  node: FieldNode,
  variables: LookaheadInfo['variableValues'],
): Record<string, unknown> {
  const known = literalArguments.get(node);
  if (known !== undefined && known.definition === definition) return known.args;
  const args = getArgumentValues(definition, node, variables);
  if (!node.arguments?.some((argument) => hasVariable(argument.value))) {
    literalArguments.set(node, { definition, args: deepFreeze(args) });
  }
  return args;
}

function hasVariable(value: ValueNode): boolean {
  if (value.kind === Kind.VARIABLE) return true;
  if (value.kind === Kind.LIST) return value.values.some(hasVariable);
  if (value.kind === Kind.OBJECT) return value.fields.some((field) => hasVariable(field.value));
  return false;
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
function included(node: FieldNode | InlineFragmentNode | FragmentSpreadNode, info: LookaheadInfo): boolean {
  // Nearly every selection has no directive at all: two searches of an empty list skipped.
  if (node.directives === undefined || node.directives.length === 0) return true;
  if (getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.if !== false;
}

/** The fields selected on `typeName`, through fragments. */
function* selectedFields(set: SelectionSetNode, info: LookaheadInfo, typeName: string): Generator<FieldNode> {
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
