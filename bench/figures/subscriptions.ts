/**
 * Figure 5: mutation-to-delivery latency with 10,000 subscribers and memory per idle subscription,
 * and the same deliveries from the fan-out floor (`bench/bare/fanout.ts`), the least a Node process
 * on this machine spends to write one message to 10,000 sockets, and from the kernel's floor
 * (`bench/bare/fanout.c`), the least any process does.
 */
import { kernelFanoutFloor } from '../native-fanout.js';
import { fanoutFloor, subscriptionFanout } from '../subscriptions.js';
import type { BenchOptions, Figures } from './context.js';

const SUBSCRIBERS = 10_000;
/** Enough in the full run for the p99 not to be simply the slowest delivery. */
const MUTATIONS = { quick: 30, full: 200 };

export async function subscriptionFigures(_servers: unknown, options: BenchOptions): Promise<Figures> {
  const mutations = options.quick ? MUTATIONS.quick : MUTATIONS.full;
  const result = await subscriptionFanout({ subscribers: SUBSCRIBERS, mutations });
  const floor = await fanoutFloor({ subscribers: SUBSCRIBERS, mutations });
  const kernel = await kernelFanoutFloor({ subscribers: SUBSCRIBERS, rounds: mutations });
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
    'subscriptions.floor.deliveryP50Ms': floor.p50Ms,
    'subscriptions.floor.deliveryP99Ms': floor.p99Ms,
    'subscriptions.floor.cpuMsPerMutation': floor.cpuMsPerMutation,
    'subscriptions.floor.clientCpuMsPerMutation': floor.clientCpuMsPerMutation,
    'subscriptions.ratio.p99OverFloor': Math.round((result.p99Ms / floor.p99Ms) * 1000) / 1000,
    ...(kernel
      ? {
          'subscriptions.kernelFloor.messageBytes': kernel.messageBytes,
          'subscriptions.kernelFloor.deliveryP50Ms': kernel.p50Ms,
          'subscriptions.kernelFloor.deliveryP99Ms': kernel.p99Ms,
          'subscriptions.kernelFloor.serverCpuMsPerMutation': kernel.serverCpuMsPerRound,
          'subscriptions.kernelFloor.clientCpuMsPerMutation': kernel.clientCpuMsPerRound,
        }
      : { 'subscriptions.kernelFloor.status': 'not measured: no C compiler (cc)' }),
  };
}
