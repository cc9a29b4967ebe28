/**
 * The MCP server: the tools of `tools/`, the incident and service resources, and input validation
 * against each tool's declared JSON Schema. It is built per caller (per HTTP request, or once for
 * stdio) around an `execute` that runs operations with that caller's identity and limits.
 */
import { createRequire } from 'node:module';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Logger } from '../logger.js';
import * as shape from './opsorch-shapes.js';
import { type Rec, type Tool, type ToolContext, ToolError } from './tool.js';
import { getService } from './tools/directory.js';
import { getIncidentContext } from './tools/incidents.js';
import { TOOLS } from './tools/index.js';
import { collect } from './tools/support.js';

/** The package's version, from src/mcp or from dist/src/mcp alike. */
function packageVersion(): string {
  const require = createRequire(import.meta.url);
  for (const path of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = require(path) as { name?: string; version?: string };
      if (pkg.name === 'opsorch-gateway' && pkg.version) return pkg.version;
    } catch {
      // not at this depth
    }
  }
  return '0.0.0';
}

const version = packageVersion();

export interface McpOptions {
  /** Write tools (acknowledge, resolve, notes, runbooks) are listed and callable only when true. */
  writes: boolean;
  /** Cap on one answer, in tokens (about four characters each). */
  maxTokens: number;
}

const ajv = new Ajv({ allErrors: false, strict: false });
addFormats.default(ajv);
/** Compiled once: the tool set is fixed. */
const validators = new Map<string, ValidateFunction>(TOOLS.map((t) => [t.name, ajv.compile(t.inputSchema)]));

const RESOURCE_TEMPLATES = [
  {
    uriTemplate: 'opsorch://incident/{id}',
    name: 'incident',
    title: 'Incident with its context',
    description:
      'An incident with its service, team, on-call, timeline, alerts, tickets, deploys and telemetry summary.',
    mimeType: 'application/json',
  },
  {
    uriTemplate: 'opsorch://service/{id}',
    name: 'service',
    title: 'Service',
    description: 'A service with its owning team and who is on call.',
    mimeType: 'application/json',
  },
];

function render(structured: Rec, maxChars: number): string {
  const json = JSON.stringify(structured, null, 2);
  const note = typeof structured.note === 'string' ? `${structured.note}\n\n` : '';
  if (note.length + json.length <= maxChars) return note + json;
  return `${json.slice(0, maxChars - 200)}\n… truncated at ${maxChars} characters; narrow the query (scope, statuses, a smaller limit or a shorter time range).`;
}

export function createMcpServer(execute: ToolContext['execute'], options: McpOptions, logger: Logger): Server {
  const server = new Server(
    { name: 'opsorch-gateway', title: 'OpsOrch Gateway', version },
    {
      capabilities: { tools: {}, resources: {} },
      instructions:
        "Incident operations over one graph: incidents, alerts, logs, metrics, tickets, services, teams, deployments and runbooks. Start from get-incident-context for an incident. IDs are the providers' own; statuses and severities are OpsOrch words (open, acknowledged, resolved; sev1..sev5).",
    },
  );
  const maxChars = options.maxTokens * 4;
  const context = (): ToolContext => ({ execute, maxChars });
  const served = TOOLS.filter((t) => options.writes || !t.writes);

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: served.map((t) => ({
      name: t.name,
      title: t.title,
      description: t.description,
      inputSchema: t.inputSchema as { type: 'object' },
      outputSchema: t.outputSchema as { type: 'object' },
      annotations: { title: t.title, ...t.annotations },
    })),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const tool: Tool | undefined = TOOLS.find((t) => t.name === request.params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `unknown tool ${JSON.stringify(request.params.name)}`);
    if (tool.writes && !options.writes) {
      return failure(
        `${tool.name} writes, and writes over MCP are disabled (set OPSORCH_MCP_WRITES=true to enable them)`,
      );
    }
    const args = request.params.arguments ?? {};
    const validate = validators.get(tool.name) as ValidateFunction;
    if (!validate(args)) {
      const [first] = validate.errors ?? [];
      return failure(`invalid arguments: ${first?.instancePath || 'input'} ${first?.message ?? 'is invalid'}`);
    }
    try {
      const answer = await tool.run(args, context());
      return {
        content: [
          { type: 'text', text: render(answer.structured, maxChars) },
          ...(answer.links ?? []).map((link) => ({ type: 'resource_link' as const, ...link })),
        ],
        structuredContent: answer.structured,
      };
    } catch (err) {
      if (err instanceof ToolError) return failure(err.message);
      logger.error({ err, tool: tool.name }, 'MCP tool failed');
      return failure('the gateway could not complete this call; see its log');
    }
  });

  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: RESOURCE_TEMPLATES }));

  server.setRequestHandler(ListResourcesRequestSchema, async () => {
    const open = await collect(
      context(),
      'query-incidents',
      { filter: { statuses: ['TRIGGERED', 'ACKNOWLEDGED'] } },
      ['incidents'],
      20,
      shape.incident,
    );
    return {
      resources: open.items.map((incident) => ({
        uri: `opsorch://incident/${String(incident.id)}`,
        name: String(incident.title ?? incident.id),
        description: `${String(incident.severity ?? '')} ${String(incident.status ?? '')} incident`.trim(),
        mimeType: 'application/json',
      })),
    };
  });

  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    const match = /^opsorch:\/\/(incident|service)\/(.+)$/.exec(request.params.uri);
    if (!match) throw new McpError(ErrorCode.InvalidParams, `unknown resource ${request.params.uri}`);
    const [, kind, id] = match;
    const tool = kind === 'incident' ? getIncidentContext : getService;
    try {
      const answer = await tool.run({ id: decodeURIComponent(id as string) }, context());
      return {
        contents: [
          { uri: request.params.uri, mimeType: 'application/json', text: render(answer.structured, maxChars) },
        ],
      };
    } catch (err) {
      if (err instanceof ToolError) throw new McpError(ErrorCode.InvalidParams, err.message);
      throw err;
    }
  });

  return server;
}

function failure(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}
