/**
 * The tool surface over real Streamable HTTP: opsorch-mcp's 18 tools byte for byte (names, titles,
 * input schemas, against the fixture captured from opsorch-mcp itself), the agent tools with their
 * annotations, and write tools only when writes are enabled.
 */
import { readFileSync } from 'node:fs';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, startGatewayProcess } from '../../helpers/process.js';
import { connectMcp } from './support.js';

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/mcp/opsorch-mcp-tools.json', import.meta.url), 'utf8'),
) as { name: string; title: string; inputSchema: unknown }[];

const AGENT_TOOLS = [
  'get-alert',
  'get-service',
  'list-services',
  'query-orchestration-runs',
  'get-orchestration-run',
  'get-incident-context',
  'who-is-on-call',
];
const WRITE_TOOLS = [
  'start-orchestration-run',
  'complete-orchestration-step',
  'append-incident-note',
  'acknowledge-incident',
  'resolve-incident',
];

describe('MCP tool surface (read-only by default)', () => {
  let gateway: GatewayProcess;
  let client: Client;
  beforeAll(async () => {
    gateway = await startGatewayProcess();
    client = await connectMcp(gateway.base);
  });
  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
  });

  it("serves opsorch-mcp's 18 tools with byte-identical names, titles and input schemas", async () => {
    const { tools } = await client.listTools();
    expect(fixture).toHaveLength(18);
    for (const expected of fixture) {
      const tool = tools.find((t) => t.name === expected.name);
      expect(tool, expected.name).toBeDefined();
      expect(tool?.title).toBe(expected.title);
      expect(JSON.stringify(tool?.inputSchema)).toBe(JSON.stringify(expected.inputSchema));
    }
    expect(tools.slice(0, 18).map((t) => t.name)).toEqual(fixture.map((t) => t.name));
  });

  it('adds the agent tools, each with MCP annotations and a valid object output schema', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(AGENT_TOOLS));
    for (const tool of tools) {
      expect(tool.outputSchema?.type, tool.name).toBe('object');
      expect(tool.annotations, tool.name).toMatchObject({
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: true,
      });
    }
  });

  it('lists no write tool and refuses to run one while writes are disabled', async () => {
    const { tools } = await client.listTools();
    for (const name of WRITE_TOOLS) expect(tools.map((t) => t.name)).not.toContain(name);
    const result = await client.callTool({ name: 'resolve-incident', arguments: { id: 'anything' } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain('OPSORCH_MCP_WRITES=true');
  });

  it('rejects arguments its schema does not allow, saying which', async () => {
    const result = await client.callTool({ name: 'query-incidents', arguments: { limit: 0 } });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain('/limit');
    const unknown = await client.callTool({ name: 'query-incidents', arguments: { statuses: ['sideways'] } });
    expect(unknown.isError).toBe(true);
    expect(JSON.stringify(unknown.content)).toContain('sideways');
  });

  it('is stateless: GET and DELETE answer 405 with a JSON-RPC error', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(`${gateway.base}/mcp`, { method, headers: { accept: 'text/event-stream' } });
      expect(response.status).toBe(405);
      expect(((await response.json()) as { error: { code: number } }).error.code).toBe(-32000);
    }
  });
});

describe('MCP tool surface with writes enabled', () => {
  let gateway: GatewayProcess;
  let client: Client;
  beforeAll(async () => {
    gateway = await startGatewayProcess({ OPSORCH_MCP_WRITES: 'true' });
    client = await connectMcp(gateway.base);
  });
  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
  });

  it('lists the write tools with annotations that say what they change', async () => {
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    for (const name of WRITE_TOOLS) expect(byName.get(name)?.annotations?.readOnlyHint, name).toBe(false);
    expect(byName.get('resolve-incident')?.annotations?.destructiveHint).toBe(true);
    expect(byName.get('append-incident-note')?.annotations?.idempotentHint).toBe(false);
  });
});
