/**
 * MCP with identity: the same bearer tokens and scopes as GraphQL. Without a credential `/mcp`
 * answers as every HTTP route does; a read-only agent's write is refused and audited under its
 * name; a writer's note is written and audited under its name.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../../src/auth/tokens.js';
import { type GatewayProcess, startGatewayProcess } from '../../helpers/process.js';
import { call, callText, connectMcp } from './support.js';

const READER = 'oog_reader-token-for-the-mcp-test-0123456789';
const WRITER = 'oog_writer-token-for-the-mcp-test-9876543210';

type AuditLine = { actor: string; outcome: string; action?: string; errorCode?: string | null };

describe('MCP with bearer tokens', () => {
  let gateway: GatewayProcess;
  let reader: Client;
  let writer: Client;
  const auditLog = join(mkdtempSync(join(tmpdir(), 'mcp-audit-')), 'audit.log');
  const audit = () =>
    readFileSync(auditLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as AuditLine);

  beforeAll(async () => {
    gateway = await startGatewayProcess({
      OPSORCH_MCP_WRITES: 'true',
      OPSORCH_MOCK_LIVE: 'false',
      OPSORCH_AUDIT_LOG: auditLog,
      OPSORCH_AUTH_TOKENS: JSON.stringify([
        { name: 'reader-agent', hash: hashToken(READER), scopes: ['read'] },
        { name: 'writer-agent', hash: hashToken(WRITER), scopes: ['read', 'write'] },
      ]),
    });
    reader = await connectMcp(gateway.base, { authorization: `Bearer ${READER}` });
    writer = await connectMcp(gateway.base, { authorization: `Bearer ${WRITER}` });
  });
  afterAll(async () => {
    await reader?.close();
    await writer?.close();
    await gateway?.stop();
  });

  it('refuses a call without a credential, as every other route does', async () => {
    const response = await fetch(`${gateway.base}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
  });

  it("refuses a read-only agent's write with FORBIDDEN and audits it under the agent's name", async () => {
    const [id] = ((await call(reader, 'query-incidents', { limit: 1 })).incidents as { id: string }[]).map((i) => i.id);
    const refused = await callText(reader, 'resolve-incident', { id });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain('FORBIDDEN');
    expect(audit()).toContainEqual(expect.objectContaining({ actor: 'reader-agent', outcome: 'denied' }));
    // Reads are not audited.
    expect(audit().filter((line) => line.outcome === 'ok')).toEqual([]);
  });

  it("writes a writer's note and audits it under the agent's name", async () => {
    const [id] = ((await call(writer, 'query-incidents', { limit: 1 })).incidents as { id: string }[]).map((i) => i.id);
    const body = `note from the writer agent ${Date.now()}`;
    const appended = await call(writer, 'append-incident-note', { id, body });
    expect(appended.entry).toMatchObject({ body, actor: { name: 'writer-agent' } });
    expect(audit()).toContainEqual(expect.objectContaining({ actor: 'writer-agent', outcome: 'ok' }));
  });
});
