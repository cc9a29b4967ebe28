/**
 * Queries and mutations run as graphql-jit compiled functions: each operation is compiled once
 * into JavaScript that resolves its selection set directly (properties read in place, no per-field
 * plan, no per-field `info` unless a resolver takes it), which graphql-js's interpreter rebuilds on
 * every request. The compiled operations are kept in a bounded least-recently-used cache keyed by
 * the operation's node in its parsed document, so two documents never share one (the document
 * cache hands out one parsed document per text, so a known text finds its compiled operation).
 * The cache is bounded by count and by the memory its operations hold, about: the parsed document
 * its key keeps alive, and the compiled function, which grows with the fields the operation
 * selects with fragments expanded. A document within the size, token, depth and cost limits can
 * still select thousands of fields (megabytes of compiled code and resolve info each), so an
 * operation estimated larger than an eighth of the bound is not compiled: graphql-js runs it,
 * holding nothing of it between requests.
 *
 * graphql-js still answers what graphql-jit would answer differently:
 * - an operation graphql-jit cannot compile, or no operation at all (graphql-js reports why);
 * - subscriptions (they are served by graphql-ws and graphql-sse, which execute with graphql-js);
 * - variables that do not coerce: graphql-js's errors carry the variable's node, by which Apollo
 *   tells the client `BAD_USER_INPUT` with status 400;
 * - a request whose trace is captured (a federation router asking for `ftv1`): the trace's field
 *   timings come from Apollo's per-field hooks, which only graphql-js's resolver calls run.
 */
import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import { fitsIn } from '../largest-entry.js';
import { documentHeapBytes } from './document-cache.js';
import { expandedFields } from './expanded-fields.js';

type Compiled = CompiledQuery['query'];

/**
 * Heap a compiled operation takes per field it selects, fragments expanded: 1.6-2.1 KiB measured
 * (the gateway's heap after a full collection, operations of 94 to 2,093 fields, the parsed
 * documents beside them counted in), rounded up.
 */
const COMPILED_BYTES_PER_FIELD = 2048;

/** What an operation runs as: its compiled function, or graphql-js when it cannot be compiled. */
type Runner = Compiled | 'graphql-js';

export interface OperationRequest {
  document: DocumentNode;
  /** The operation `document` runs, as Apollo resolved it; undefined when it names none that exists. */
  operation: OperationDefinitionNode | undefined;
  operationName: string | null | undefined;
  variables: Record<string, unknown> | undefined;
  contextValue: unknown;
  /** Run with graphql-js whatever the operation (see the module's header). */
  interpreted?: boolean;
}

export class CompiledOperations {
  private readonly runners: LRUCache<OperationDefinitionNode, Runner>;
  /** Operations found too large to compile: weakly, so as not to keep their documents alive. */
  private readonly tooLarge = new WeakSet<OperationDefinitionNode>();
  private compilations = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    maxOperations: number,
    maxBytes: number,
  ) {
    this.runners = new LRUCache({ max: maxOperations, maxSize: Math.max(1, maxBytes) });
  }

  /**
   * Operations kept now (compiled, or known not to compile) and the heap they take, about, and
   * compilations since the start.
   */
  get size(): { operations: number; bytes: number; compilations: number } {
    return { operations: this.runners.size, bytes: this.runners.calculatedSize, compilations: this.compilations };
  }

  execute(request: OperationRequest): Promise<ExecutionResult> | ExecutionResult {
    const { operation } = request;
    const run = operation && !request.interpreted ? this.runner(request.document, operation) : 'graphql-js';
    if (run === 'graphql-js') return this.interpret(request);
    const result = run(undefined, request.contextValue, request.variables);
    return result instanceof Promise
      ? result.then((r) => this.answer(r, request))
      : this.answer(result as ExecutionResult, request);
  }

  private runner(document: DocumentNode, operation: OperationDefinitionNode): Runner {
    let run = this.runners.get(operation);
    if (run !== undefined) return run;
    if (this.tooLarge.has(operation)) return 'graphql-js';
    const bytes = documentHeapBytes(document) + COMPILED_BYTES_PER_FIELD * expandedFields(document, operation);
    if (!fitsIn(this.runners, bytes)) {
      this.tooLarge.add(operation);
      return 'graphql-js';
    }
    this.compilations++;
    run = compile(this.schema, document, operation);
    this.runners.set(operation, run, { size: bytes });
    return run;
  }

  private answer(result: ExecutionResult, request: OperationRequest): Promise<ExecutionResult> | ExecutionResult {
    // Without `data` the variables did not coerce and nothing ran (see the header).
    if (!('data' in result)) return this.interpret(request);
    if (!result.errors) return result;
    return { ...result, errors: reportedOnce(result.data, result.errors).map(asGraphQLError) };
  }

  private interpret(request: OperationRequest): Promise<ExecutionResult> | ExecutionResult {
    return execute({
      schema: this.schema,
      document: request.document,
      operationName: request.operationName,
      variableValues: request.variables,
      contextValue: request.contextValue,
    });
  }
}

function compile(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): Runner {
  if (operation.operation === 'subscription') return 'graphql-js';
  // A document's single operation may be anonymous; compileQuery then finds it without a name.
  const compiled = compileQuery(schema, document, operation.name?.value, {
    useExperimentalPathBasedSkipInclude: true,
  });
  return isCompiledQuery(compiled) ? compiled.query : 'graphql-js';
}

/**
 * graphql-js reports one error per value a non-null error nulled: the first to reach it stops the
 * completion of everything below, so its siblings' errors are never raised. graphql-jit completes
 * the siblings anyway and reports each. Of the errors of one field in the items of one list, below
 * one nulled value (an enum value no item may hold, say), only the first stays, as graphql-js
 * reports it. Errors of different fields below it all stay: the one that nulled the value must.
 */
function reportedOnce(data: unknown, errors: readonly GraphQLError[]): readonly GraphQLError[] {
  if (errors.length < 2) return errors;
  const seen = new Set<string>();
  return errors.filter((error) => {
    const path = error.path ?? [];
    const at = nulledAbove(data, path);
    if (at === undefined) return true;
    const key = `${at}|${path.filter((key) => typeof key === 'string').join('.')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The path of the null above `path` in `data` (the ancestor an error nulled), if there is one. */
function nulledAbove(data: unknown, path: readonly (string | number)[]): string | undefined {
  let value = data;
  for (let i = 0; i < path.length; i++) {
    if (value === null || value === undefined) return path.slice(0, i).join('.');
    value = (value as Record<string | number, unknown>)[path[i] as string | number];
  }
  return undefined;
}

/**
 * graphql-jit's errors are its own subclass, with no `extensions` object when the thrown error
 * had none; Apollo and the error formatter expect graphql-js's, as graphql-js's `locatedError`
 * would have made them.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const located = new GraphQLError(error.message, {
    path: error.path,
    ...(error.originalError ? { originalError: error.originalError } : {}),
    ...(error.extensions ? { extensions: error.extensions } : {}),
  });
  if (error.locations) Object.assign(located, { locations: error.locations });
  return located;
}
