/**
 * What a tool is: a name, title and input schema (the agent-facing contract), MCP annotations,
 * and a run function that executes GraphQL operations through the gateway with the caller's
 * identity and limits, and shapes the answer for an agent.
 */
import type { JsonSchema } from './json-schema.js';

export type Rec = Record<string, unknown>;

export interface GraphQLErrorLike {
  message: string;
  path?: readonly (string | number)[];
  extensions?: Rec;
}

export interface ExecutionOutcome {
  data?: Rec | null;
  errors?: readonly GraphQLErrorLike[];
}

/** Runs the named operation from `src/mcp/operations/` as the calling agent. */
export type ExecuteOperation = (operation: string, variables: Rec) => Promise<ExecutionOutcome>;

export interface ToolContext {
  execute: ExecuteOperation;
  /** Cap on the characters of one answer (text and structured content each). */
  maxChars: number;
}

export interface ResourceLink {
  uri: string;
  name: string;
  description?: string;
}

export interface ToolAnswer {
  structured: Rec;
  links?: ResourceLink[];
}

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export interface Tool {
  name: string;
  title: string;
  description: string;
  inputSchema: JsonSchema;
  outputSchema: JsonSchema;
  annotations: ToolAnnotations;
  /** Write tools are served only when writes are enabled for MCP, and need the `write` scope. */
  writes: boolean;
  run(args: Rec, ctx: ToolContext): Promise<ToolAnswer>;
}

/** An answer the agent can act on: bad arguments, nothing found, a provider that failed. */
export class ToolError extends Error {}

export const READ: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
};

export function errorSummary(errors: readonly GraphQLErrorLike[]): Rec[] {
  return errors.map((e) => ({
    message: e.message,
    ...(e.path ? { path: e.path.join('.') } : {}),
    ...(typeof e.extensions?.code === 'string' ? { code: e.extensions.code } : {}),
    ...(typeof e.extensions?.provider === 'string' ? { provider: e.extensions.provider } : {}),
  }));
}

/** Errors as an agent reads them: each message with its code. */
export function describeErrors(errors: readonly Rec[], fallback: string): string {
  return errors.map((e) => `${String(e.message)}${e.code ? ` (${String(e.code)})` : ''}`).join('; ') || fallback;
}

/** Data, or a ToolError when the operation produced none (bad input, denied, provider down). */
export async function run(ctx: ToolContext, operation: string, variables: Rec): Promise<{ data: Rec; errors: Rec[] }> {
  const outcome = await ctx.execute(operation, variables);
  const errors = errorSummary(outcome.errors ?? []);
  if (!outcome.data) {
    throw new ToolError(describeErrors(errors, 'no answer'));
  }
  return { data: outcome.data, errors };
}

export const isRec = (value: unknown): value is Rec => typeof value === 'object' && value !== null;

export function field(record: unknown, ...path: string[]): unknown {
  let current: unknown = record;
  for (const key of path) current = isRec(current) ? current[key] : undefined;
  return current;
}

export const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
