/**
 * Refusals at the bounds on requests in flight reach the log without flooding it, read from the
 * real gateway process's output: SSE streams hold the bounds (the seeded mock keeps them open), a
 * flood from one client past its share and a few from another past the gateway's bound are
 * refused, and the log tells them in one line at once and the rest in one more when the gateway
 * stops, never with the credential the flood carried.
 */
import { describe, expect, it } from 'vitest';
import { graphqlFrom, streamFrom } from '../../helpers/http-from.js';
import { startGatewayProcess } from '../../helpers/process.js';

const FLOOD = 20;
const PAST_GATEWAY = 5;
const SECRET = 'flood-credential-5c1f0e7a';

interface RefusalLine {
  level: number;
  refused: number;
  refusedForGateway: number;
  refusedForClient: number;
  lastClientRefused?: string;
}

const isRefusal = (line: string) => line.includes('refused at the bounds on requests in flight');

describe('refusal log', () => {
  it('tells a flood of refusals in one line at once and the rest in one more, without its credential', async () => {
    const gateway = await startGatewayProcess({
      OPSORCH_MAX_REQUESTS_IN_FLIGHT: '2',
      OPSORCH_MAX_REQUESTS_IN_FLIGHT_PER_CLIENT: '1',
    });
    try {
      const listed = await graphqlFrom(gateway.url, '127.0.0.4', '{ incidents(first: 1) { nodes { id } } }');
      const id = (JSON.parse(listed.body) as { data: { incidents: { nodes: { id: string }[] } } }).data.incidents
        .nodes[0]?.id;
      const subscribe = (from: string) =>
        streamFrom(gateway.url, {
          from,
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
          body: JSON.stringify({
            query: 'subscription($id: ID!) { incidentTimelineUpdated(incidentId: $id) { id } }',
            variables: { id },
          }),
        });

      const first = await subscribe('127.0.0.1');
      expect(first.status).toBe(200);
      const flood = await Promise.all(
        Array.from({ length: FLOOD }, () =>
          graphqlFrom(gateway.url, '127.0.0.1', '{ __typename }', { authorization: `Bearer ${SECRET}` }),
        ),
      );
      expect(flood.map((answer) => answer.status)).toEqual(Array(FLOOD).fill(429));
      const told = JSON.parse(await gateway.waitForLog(isRefusal, 'the first refusal')) as RefusalLine;
      expect(told).toMatchObject({
        level: 40,
        refused: 1,
        refusedForClient: 1,
        refusedForGateway: 0,
        lastClientRefused: '127.0.0.1',
      });

      const second = await subscribe('127.0.0.2');
      expect(second.status).toBe(200);
      const full = await Promise.all(
        Array.from({ length: PAST_GATEWAY }, () => graphqlFrom(gateway.url, '127.0.0.3', '{ __typename }')),
      );
      expect(full.map((answer) => answer.status)).toEqual(Array(PAST_GATEWAY).fill(503));
      // Everything refused since the first line waits for the next.
      expect(gateway.logs.filter(isRefusal)).toHaveLength(1);

      first.leave();
      second.leave();
      await gateway.stop();
      const lines = gateway.logs.filter(isRefusal).map((line) => JSON.parse(line) as RefusalLine);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatchObject({
        level: 40,
        refused: FLOOD - 1 + PAST_GATEWAY,
        refusedForClient: FLOOD - 1,
        refusedForGateway: PAST_GATEWAY,
        lastClientRefused: '127.0.0.1',
      });
      expect([...gateway.logs, ...gateway.stderr].join('\n')).not.toContain(SECRET);
    } finally {
      await gateway.stop();
    }
  });
});
