/**
 * Figure 5: mutation-to-delivery latency with 10,000 subscribers and memory per idle subscription.
 * Measured by `bench/subscriptions.ts`, which the subscriptions work provides; reported as missing
 * until it exists.
 */
import { existsSync } from 'node:fs';
import type { BenchOptions, Figures } from './context.js';

interface Fanout {
  p50Ms: number;
  p99Ms: number;
  bytesPerIdleSubscription: number;
  liveBytesPerIdleSubscription: number;
  gatewayCpuMsPerMutation: number;
  clientCpuMsPerMutation: number;
}

type FanoutFn = (options: { subscribers: number; mutations: number }) => Promise<Fanout>;

const MODULE = new URL('../subscriptions.ts', import.meta.url);
const SUBSCRIBERS = 10_000;
/** Enough in the full run for the p99 not to be simply the slowest delivery. */
const MUTATIONS = { quick: 30, full: 200 };

export async function subscriptionFigures(_servers: unknown, options: BenchOptions): Promise<Figures> {
  if (!existsSync(MODULE)) return { 'subscriptions.status': 'missing: bench/subscriptions.ts does not exist yet' };
  const loaded = (await import(MODULE.href)) as { subscriptionFanout?: FanoutFn };
  if (typeof loaded.subscriptionFanout !== 'function') {
    return { 'subscriptions.status': 'missing: bench/subscriptions.ts exports no subscriptionFanout' };
  }
  const mutations = options.quick ? MUTATIONS.quick : MUTATIONS.full;
  const result = await loaded.subscriptionFanout({ subscribers: SUBSCRIBERS, mutations });
  return {
    'subscriptions.status': 'measured',
    'subscriptions.subscribers': SUBSCRIBERS,
    'subscriptions.mutations': mutations,
    'subscriptions.deliveryP50Ms': result.p50Ms,
    'subscriptions.deliveryP99Ms': result.p99Ms,
    'subscriptions.kibPerIdleSubscription': Math.round((result.bytesPerIdleSubscription / 1024) * 100) / 100,
    'subscriptions.liveKibPerIdleSubscription': Math.round((result.liveBytesPerIdleSubscription / 1024) * 100) / 100,
    'subscriptions.gatewayCpuMsPerMutation': result.gatewayCpuMsPerMutation,
    'subscriptions.clientCpuMsPerMutation': result.clientCpuMsPerMutation,
  };
}
