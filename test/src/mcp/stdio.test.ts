/** `node dist/src/main.js mcp` (what `npm run mcp` runs) as a desktop agent starts it: MCP on stdio. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayEnv, ROOT } from '../../helpers/process.js';
import { waitUntil } from '../../helpers/subscriptions.js';

/** An agent's first message, as a JSON-RPC line for the gateway's stdin. */
function initializeLine(id: number, agent: string): string {
  const params = { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: agent, version: '1' } };
  return `${JSON.stringify({ jsonrpc: '2.0', id, method: 'initialize', params })}\n`;
}

describe('MCP over stdio', () => {
  let client: Client;
  let transport: StdioClientTransport;
  const stderr: string[] = [];

  beforeAll(async () => {
    transport = new StdioClientTransport({
      command: process.execPath,
      args: ['dist/src/main.js', 'mcp'],
      cwd: ROOT,
      env: gatewayEnv({ OPSORCH_LOG_LEVEL: 'info', OPSORCH_MOCK_LIVE: 'false' }),
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
    await waitUntil(async () => stderr.join('').includes('"msg":"graphql request"'), "the call's log line on stderr");
  });

  it('goes on answering when the agent never reads its stderr', async () => {
    const child = spawn(process.execPath, ['dist/src/main.js', 'mcp'], {
      cwd: ROOT,
      env: gatewayEnv({ OPSORCH_LOG_LEVEL: 'info', OPSORCH_MOCK_LIVE: 'false' }),
      // Piped and never read: the pipe fills with the calls' log lines.
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stderr.pause();
    const send = (message: object) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
    let answered = 0;
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const { result } = JSON.parse(line) as { result?: { isError?: boolean } };
        expect(result?.isError).toBeFalsy();
        answered++;
      }
    });
    const answers = async (count: number) => {
      while (answered < count) await once(child.stdout, 'data');
    };
    child.stdin.write(initializeLine(0, 'deaf-agent'));
    send({ method: 'notifications/initialized' });
    await answers(1);
    // About 180 bytes of log a call: 1,000 calls are twice what the pipe and the reader's buffer hold.
    for (let id = 1; id <= 1000; id += 50) {
      for (let i = id; i < id + 50; i++) {
        send({ id: i, method: 'tools/call', params: { name: 'query-incidents', arguments: { limit: 1 } } });
      }
      await answers(id + 50);
    }
    child.stdin.end();
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('writes an audit trail asked for on stdout to stderr, where the log goes, and only the protocol to stdout', async () => {
    const child = spawn(process.execPath, ['dist/src/main.js', 'mcp'], {
      cwd: ROOT,
      env: gatewayEnv({ OPSORCH_MOCK_LIVE: 'false', OPSORCH_AUDIT_LOG: 'stdout', OPSORCH_AUDIT_READS: 'true' }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.stdin.write(initializeLine(0, 'audited-agent'));
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
    const call = { name: 'query-incidents', arguments: { limit: 1 } };
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: call })}\n`);
    await waitUntil(async () => stdout.includes('"id":1'), 'the call answered');
    await waitUntil(async () => stderr.includes('"action":"read incident.query"'), "the call's audit line on stderr");
    child.stdin.end();
    await once(child, 'exit');
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines.length).toBe(2);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
  });

  it('stops the gateway, exiting 0, when the agent closes stdin', async () => {
    const child = spawn(process.execPath, ['dist/src/main.js', 'mcp'], {
      cwd: ROOT,
      env: gatewayEnv({ OPSORCH_MOCK_LIVE: 'false' }),
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const answered = once(child.stdout, 'data');
    child.stdin.write(initializeLine(1, 't'));
    expect(String((await answered)[0])).toContain('"serverInfo"');
    child.stdin.end();
    const [code, signal] = await once(child, 'exit');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});
