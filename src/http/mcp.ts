/**
 * MCP over Streamable HTTP on `/mcp`, stateless with JSON answers: every POST carries its own
 * JSON-RPC message and gets its own MCP server, built around the request's own GraphQL context,
 * so a tool runs with exactly the identity, limits and cancellation a GraphQL request would have.
 */
import type { ApolloServer } from '@apollo/server';
import type { Server as McpServer } from '@modelcontextprotocol/sdk/server/index.js';
import express from 'express';
import type { GatewayContext } from '../graphql/context.js';
import type { Logger } from '../logger.js';
import { operationSource } from '../mcp/operations.js';
import type { McpOptions } from '../mcp/server.js';
import type { ExecuteOperation, ExecutionOutcome } from '../mcp/tool.js';

/**
 * The MCP SDK, its zod schemas, the tools and their compiled validators are loaded by the first MCP
 * request, not by every gateway: they doubled the live heap of one serving only GraphQL, and V8
 * warming the larger program cost the GraphQL requests CPU.
 */
let modules:
  | Promise<[typeof import('../mcp/server.js'), typeof import('@modelcontextprotocol/sdk/server/streamableHttp.js')]>
  | undefined;
function mcpModules() {
  modules ??= Promise.all([import('../mcp/server.js'), import('@modelcontextprotocol/sdk/server/streamableHttp.js')]);
  return modules;
}

/** An MCP server whose tools run through `execute` (the stdio server, or one per HTTP request). */
export async function createMcpServer(execute: ExecuteOperation, mcp: McpOptions, logger: Logger): Promise<McpServer> {
  const [{ createMcpServer: create }] = await mcpModules();
  return create(execute, mcp, logger);
}

/** Runs an MCP tool's operation through Apollo, as a GraphQL request with this context would run. */
export function executorFor(
  apollo: ApolloServer<GatewayContext>,
  contextValue: () => GatewayContext,
): ExecuteOperation {
  return async (operation, variables): Promise<ExecutionOutcome> => {
    const response = await apollo.executeOperation(
      { query: operationSource(operation), variables },
      { contextValue: contextValue() },
    );
    if (response.body.kind !== 'single') throw new Error('an MCP operation answered incrementally');
    const { data, errors } = response.body.singleResult;
    return { data: data ?? null, ...(errors ? { errors } : {}) };
  };
}

export function mcpRouter(options: {
  apollo: ApolloServer<GatewayContext>;
  context: (req: express.Request, res: express.Response) => GatewayContext;
  mcp: McpOptions;
  logger: Logger;
}): express.Router {
  const router = express.Router();
  router.post('/', express.json({ limit: '1mb' }), async (req, res) => {
    let context: GatewayContext | undefined;
    const execute = executorFor(options.apollo, () => {
      context ??= options.context(req, res);
      return context;
    });
    const [, { StreamableHTTPServerTransport }] = await mcpModules();
    const server = await createMcpServer(execute, options.mcp, options.logger);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  // Stateless: there is no session to stream to or to end.
  router.all('/', (_req, res) => {
    res
      .status(405)
      .set('Allow', 'POST')
      .json({
        jsonrpc: '2.0',
        error: { code: -32000, message: 'Method not allowed: this MCP endpoint is stateless, POST only' },
        id: null,
      });
  });
  return router;
}
