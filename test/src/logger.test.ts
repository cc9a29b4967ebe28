/**
 * The gateway's log on stdout: lines gathered before they are written, a lone line written all the
 * same, and a bound on what waits while stdout's reader does not keep up.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { LOG_BUFFER_BYTES } from '../../src/logger.js';
import { gql } from '../helpers/graphql.js';
import { spawnGatewayUnread, startGatewayProcess } from '../helpers/process.js';

const gateways: { stop(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.stop()));
});

describe('the gateway log', () => {
  it("writes one request's line on its own, with the request's ID as the request's logger writes it", async () => {
    const gateway = await startGatewayProcess({ OPSORCH_MOCK_LIVE: 'false' });
    gateways.push(gateway);
    await gql(gateway.url, 'query LoneLine { __typename }', undefined, { 'x-request-id': 'lone-line-1' });
    // Nothing follows to fill the write: the line is written when its wait ends.
    const line = await gateway.waitForLog((l) => l.includes('LoneLine'), 'the LoneLine line');
    expect(Object.keys(JSON.parse(line))).toEqual([
      'level',
      'time',
      'service',
      'requestId',
      'operation',
      'durationMs',
      'msg',
    ]);
    expect(JSON.parse(line)).toMatchObject({ requestId: 'lone-line-1', operation: 'LoneLine', msg: 'graphql request' });
  });

  it('drops and counts the lines past its bound while stdout is not read, and logs again once it is', async () => {
    const { child, url } = await spawnGatewayUnread({ OPSORCH_MOCK_LIVE: 'false' });
    const stopped = once(child, 'close');
    gateways.push({
      stop: async () => {
        child.kill('SIGTERM');
        await stopped;
      },
    });
    const stdout = child.stdout!;

    // Each request's line carries its operation's name: about 60 KB a line, 12 MB in all.
    const name = `Padded${'x'.repeat(60_000)}`;
    const requests = 200;
    for (let i = 0; i < requests; i += 10) {
      await Promise.all(Array.from({ length: 10 }, () => gql(url, `query ${name} { __typename }`)));
    }
    const metrics = await (await fetch(url.replace(/\/graphql$/, '/metrics'))).text();
    const dropped = Number(/^opsorch_log_lines_dropped_total (\d+)/m.exec(metrics)?.[1]);
    expect(dropped).toBeGreaterThan(0);
    // The pipe and Node's reading hold a little besides; no more than the bound waited.
    expect(dropped).toBeGreaterThanOrEqual(requests - Math.ceil((LOG_BUFFER_BYTES + 1024 * 1024) / 60_000));

    // Read again: what waited arrives, and a new request's line after it.
    let after = '';
    stdout.on('data', (chunk: Buffer) => {
      after += chunk.toString('utf8');
    });
    stdout.resume();
    await gql(url, 'query AfterTheStall { __typename }');
    while (!after.includes('AfterTheStall')) await once(stdout, 'data');
    const padded = after.split('\n').filter((l) => l.includes(name)).length;
    // Every line was either written or dropped and counted.
    expect(padded + dropped).toBe(requests);
  });
});
