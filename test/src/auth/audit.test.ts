/**
 * The audit file is bounded: past `OPSORCH_AUDIT_LOG_MAX_BYTES` it rotates (`audit.log.1` newest),
 * keeping `OPSORCH_AUDIT_LOG_KEEP` old files, so the newest lines survive whole and in order and
 * nothing grows without end. Driven by real mutations through the real server. On stdout, its
 * lines wait for a reader that does not keep up only as far as the log's bound.
 */
import { once } from 'node:events';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_BUFFER_BYTES } from '../../../src/logger.js';
import { tempDir } from '../../helpers/auth.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { firstIncidentId, gql } from '../../helpers/graphql.js';
import { spawnGatewayUnread } from '../../helpers/process.js';

const MAX_BYTES = 1_000;
const KEEP = 2;
const MUTATIONS = 25;

const dir = tempDir('audit-rotation');
const auditPath = join(dir, 'audit.log');
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
    security: { audit: { destination: auditPath, maxBytes: MAX_BYTES, keep: KEEP, reads: false } },
  });
});
afterAll(() => gateway.stop());

const APPEND = `mutation($id: ID!, $body: String!) {
  incidentTimelineAppend(input: { incidentId: $id, body: $body }) { entry { id } }
}`;

function linesOf(path: string): { requestId: string; action: string; outcome: string }[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe('audit log rotation', () => {
  it('rotates past the size bound, keeps the configured number of files and the newest lines in order', async () => {
    const id = await firstIncidentId(gateway.url);
    for (let i = 0; i < MUTATIONS; i++) {
      const result = await gql(gateway.url, APPEND, { id, body: `note ${i}` }, { 'x-request-id': `rotation-${i}` });
      expect(result.errors).toBeUndefined();
    }

    const files = [
      `${auditPath}.${KEEP}`,
      ...Array.from({ length: KEEP - 1 }, (_, i) => `${auditPath}.${KEEP - 1 - i}`),
      auditPath,
    ];
    for (const file of files) {
      expect(existsSync(file), file).toBe(true);
      expect(statSync(file).size, file).toBeLessThanOrEqual(MAX_BYTES);
    }
    expect(existsSync(`${auditPath}.${KEEP + 1}`)).toBe(false);

    // Oldest file first: together they hold the newest mutations, each whole, none twice, in order.
    const kept = files.flatMap(linesOf);
    expect(kept.length).toBeGreaterThan(KEEP);
    expect(kept.length).toBeLessThan(MUTATIONS);
    expect(kept.map((l) => l.requestId)).toEqual(
      Array.from({ length: kept.length }, (_, i) => `rotation-${MUTATIONS - kept.length + i}`),
    );
    expect(kept.every((l) => l.outcome === 'ok')).toBe(true);
  });
});

describe('audit lines on stdout', () => {
  it("wait for a reader that stalls only within the log's bound, the rest dropped and counted", async () => {
    const token = 'audit-stdout-token-0123456789';
    const { child, url } = await spawnGatewayUnread({
      OPSORCH_BEARER_TOKEN: token,
      OPSORCH_AUDIT_LOG: 'stdout',
      OPSORCH_MOCK_LIVE: 'false',
    });
    const stopped = once(child, 'close');
    try {
      const origin = url.replace(/\/graphql$/, '');
      // Every refused request is an audit line naming its path: 600 of 12 KB are 7 MB, past the
      // bound and what the pipe holds, from a client with no credentials at all.
      const pad = 'x'.repeat(12_000);
      const requests = 600;
      for (let i = 0; i < requests; i += 20) {
        await Promise.all(
          Array.from({ length: 20 }, async (_, j) => {
            const response = await fetch(`${origin}/${pad}-${i + j}`);
            await response.arrayBuffer();
            expect(response.status).toBe(401);
          }),
        );
      }
      const metrics = await (
        await fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${token}` } })
      ).text();
      expect(Number(/^opsorch_log_lines_dropped_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);

      // Read again: what waited arrives, then a new refusal's line after it.
      const stdout = child.stdout!;
      let text = '';
      stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
      });
      stdout.resume();
      await fetch(`${origin}/after-the-stall`).then((r) => r.arrayBuffer());
      while (!text.includes('GET /after-the-stall')) await once(stdout, 'data');
      const padded = text.split('\n').filter((line) => line.includes(pad));
      for (const line of padded)
        expect(JSON.parse(line)).toMatchObject({ action: 'http.authenticate', outcome: 'denied' });
      // The pipe and Node's reading hold a little besides; no more than the bound waited.
      expect(padded.length).toBeGreaterThan(0);
      expect(padded.length * pad.length).toBeLessThanOrEqual(LOG_BUFFER_BYTES + 1024 * 1024);
    } finally {
      child.kill('SIGTERM');
      await stopped;
    }
  });
});
