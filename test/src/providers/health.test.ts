/**
 * Provider health through the real server, beside a provider whose health check never answers:
 * `providers { health }` and `/readyz` report it DOWN once `OPSORCH_PROVIDER_HEALTH_TIMEOUT_MS` has
 * passed, instead of hanging, and every other provider's health is answered as usual.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter, CallContext } from '../../../adapters/contract/index.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';

/** Far below the 3 s default, so the suite does not wait for it; the message names it. */
const HEALTH_TIMEOUT_MS = 250;
/** Timers fire on whole milliseconds of the event loop's clock, which can trail the one measured here. */
const TIMER_GRAIN_MS = 1;

interface ProviderStatus {
  capability: string;
  provider: string;
  health: { status: string; message: string | null; latencyMs: number; circuit: string };
}

interface Ready {
  status: string;
  providers: { provider: string; status: string; latencyMs: number }[];
  live: { sockets: number };
}

describe('a provider whose health check never answers', () => {
  let gateway: TestGateway;
  let healthy: Adapter;
  /** The signal of each health check the silent provider was asked for. */
  const asked: AbortSignal[] = [];

  beforeAll(async () => {
    healthy = await mockAdapter();
    const silent: Adapter = {
      ...(await mockAdapter()),
      // Ignores its signal as well, as a provider stuck in a connect would.
      checkHealth: (ctx: CallContext) => {
        if (ctx.signal) asked.push(ctx.signal);
        return new Promise(() => undefined);
      },
    };
    gateway = await startTestGateway(
      [
        { name: 'mock', adapter: healthy },
        { name: 'silent', adapter: silent, capabilities: ['metric', 'log'] },
      ],
      { limits: { providerHealthTimeoutMs: HEALTH_TIMEOUT_MS } },
    );
  });
  afterAll(() => gateway.stop());

  it('is DOWN under providers once the time-out has passed, and every other provider is answered', async () => {
    const started = performance.now();
    const { providers } = await gqlData<{ providers: ProviderStatus[] }>(
      gateway.url,
      '{ providers { capability provider health { status message latencyMs circuit } } }',
    );
    const elapsed = performance.now() - started;

    const silent = providers.filter((p) => p.provider === 'silent');
    expect(silent.map((p) => p.capability).sort()).toEqual(['LOG', 'METRIC']);
    for (const { health } of silent) {
      expect(health).toMatchObject({
        status: 'DOWN',
        message: `no answer within ${HEALTH_TIMEOUT_MS} ms`,
        circuit: 'CLOSED',
      });
      expect(health.latencyMs).toBeGreaterThanOrEqual(HEALTH_TIMEOUT_MS - TIMER_GRAIN_MS);
    }
    expect(elapsed).toBeGreaterThanOrEqual(HEALTH_TIMEOUT_MS - TIMER_GRAIN_MS);

    // The healthy provider's entries: one per capability it serves, each answered.
    const others = providers.filter((p) => p.provider === 'mock');
    const served = Object.keys(healthy.capabilities).map((c) => c.toUpperCase());
    expect(others.map((p) => p.capability).sort()).toEqual(served.sort());
    for (const { health } of others) {
      expect(health).toMatchObject({ status: 'HEALTHY', message: null, circuit: 'CLOSED' });
    }

    // One check per request for the two capabilities, and the adapter was told to stop waiting.
    expect(asked).toHaveLength(1);
    expect(asked[0]?.aborted).toBe(true);
  });

  it('makes /readyz answer 503 with it DOWN and the other provider ready', async () => {
    const response = await fetch(gateway.url.replace(/\/graphql$/, '/readyz'));
    const body = (await response.json()) as Ready;
    expect(response.status).toBe(503);
    expect(body.status).toBe('not ready');
    expect(body.providers.map(({ provider, status }) => ({ provider, status }))).toEqual([
      { provider: 'mock', status: 'HEALTHY' },
      { provider: 'silent', status: 'DOWN' },
    ]);
    expect(body.providers[1]?.latencyMs).toBeGreaterThanOrEqual(HEALTH_TIMEOUT_MS - TIMER_GRAIN_MS);
    expect(body.live.sockets).toBe(0);
  });
});
