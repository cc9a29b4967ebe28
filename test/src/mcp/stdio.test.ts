/** `node dist/src/main.js mcp` (what `npm run mcp` runs) as a desktop agent starts it: MCP on stdio. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../..', import.meta.url).pathname;

describe('MCP over stdio', () => {
  let client: Client;
  let transport: StdioClientTransport;
  const stderr: string[] = [];

  beforeAll(async () => {
    transport = new StdioClientTransport({
      command: process.execPath,
      args: ['dist/src/main.js', 'mcp'],
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', OPSORCH_LOG_LEVEL: 'info', OPSORCH_MOCK_LIVE: 'false' },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    client = new Client({ name: 'desktop-agent', version: '1.0.0' });
    await client.connect(transport);
  });
  afterAll(async () => {
    await client?.close();
  });

  it('lists the read tools and answers a call, with every log line on stderr and none on stdout', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['query-incidents', 'get-incident-context']));
    expect(tools.map((t) => t.name)).not.toContain('resolve-incident');

    const result = await client.callTool({ name: 'query-incidents', arguments: { statuses: ['open'], limit: 3 } });
    expect(result.isError).toBeFalsy();
    const { incidents } = result.structuredContent as { incidents: { status: string }[] };
    expect(incidents.length).toBeGreaterThan(0);
    expect(incidents.length).toBeLessThanOrEqual(3);
    for (const incident of incidents) expect(incident.status).toBe('triggered');
    // The SDK would have failed the call on any non-JSON-RPC line; the log went to stderr instead.
    expect(stderr.join('')).toContain('"msg":"graphql request"');
  });

  it('stops the gateway, exiting 0, when the agent closes stdin', async () => {
    const child = spawn(process.execPath, ['dist/src/main.js', 'mcp'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', OPSORCH_MOCK_LIVE: 'false' },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const answered = once(child.stdout, 'data');
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } })}\n`,
    );
    expect(String((await answered)[0])).toContain('"serverInfo"');
    child.stdin.end();
    const [code, signal] = await once(child, 'exit');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});
