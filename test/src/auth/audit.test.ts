/**
 * The audit file is bounded: past `OPSORCH_AUDIT_LOG_MAX_BYTES` it rotates (`audit.log.1` newest),
 * keeping `OPSORCH_AUDIT_LOG_KEEP` old files, so the newest lines survive whole and in order and
 * nothing grows without end. Driven by real mutations through the real server.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/auth.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { firstIncidentId, gql } from '../../helpers/graphql.js';

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
