/**
 * Provider traffic against the number of consoles: consoles refresh the incident list and one
 * incident page every period, at random offsets, for a while; provider calls per minute are read
 * from the gateway's `/metrics` and compared with one console's alone. Each run gets its own
 * gateway, so no run starts with another's cache. Calls are counted after a warm-up of one period,
 * in which every console makes its first refresh: a fleet and one console alike fill the cache
 * once, and what is compared is what keeping it filled costs. With default settings only directory reads
 * (services, teams, members, descriptors, plans) are cached; with a record TTL everything is.
 * The fleet also runs spread over three instances sharing a Redis (`OPSORCH_PUBSUB_URL`), each
 * console on one of them, with the calls of all three counted.
 */
import { readCacheFromEnv } from '../../src/data/read-cache-config.js';
import { startRedis } from '../../test/helpers/redis.js';
import { startGatewayProcess } from '../lib/gateway.js';
import { graphql } from '../lib/http.js';
import { providerCallsByOperation } from '../lib/prometheus.js';
import { ratio, round, sleep } from '../lib/stats.js';
import { INCIDENT_LIST_PAGE, INCIDENT_PAGE } from '../queries.js';
import { type BenchOptions, CONSOLES_RUNS, type ConsolesRun, type Figures, type GraphQLServer } from './context.js';
import { pickIncident } from './page.js';

const DIRECTORY = /^(service|team)\.|^metric\.describe$|^orchestration\.(getPlans|queryPlans)$/;

interface Traffic {
  /**
   * Null when the window counted is shorter than the directory TTL: directory entries are read
   * again about once a TTL, so such a window may hold no read or one, and neither is a rate.
   */
  directoryPerMinute: number | null;
  /** Why `directoryPerMinute` is null. */
  directoryUnobserved?: string;
  allPerMinute: number;
  /** Calls by `capability.operation`, to show which questions a fleet asks more often than one console. */
  byOperation: Record<string, number>;
  /**
   * Directory reads each instance made before counting began (the consoles' first refreshes: cold
   * fills), so what instances missing the same entries at once cost shows too.
   */
  coldDirectoryByInstance: number[];
  refreshes: number;
  errors: number;
}

/**
 * `consoles` consoles, each refreshing both pages every `periodMs` from a random offset, for
 * `durationMs`; console `n` on `gateways[n % gateways.length]`.
 */
function drive(
  gateways: GraphQLServer[],
  id: string,
  consoles: number,
  periodMs: number,
  durationMs: number,
): { warm: Promise<void>; done: Promise<{ refreshes: number; errors: number }> } {
  let refreshes = 0;
  let errors = 0;
  const until = performance.now() + durationMs;
  const first: Promise<void>[] = [];
  const one = async (n: number, refreshed: () => void) => {
    const gateway = gateways[n % gateways.length] as GraphQLServer;
    await sleep(Math.random() * periodMs);
    while (performance.now() < until) {
      const next = performance.now() + periodMs;
      try {
        await Promise.all([
          graphql(gateway.graphql, INCIDENT_LIST_PAGE),
          graphql(gateway.graphql, INCIDENT_PAGE, { id }),
        ]);
        refreshes++;
      } catch {
        errors++;
      }
      refreshed();
      await sleep(Math.max(0, next - performance.now()));
    }
    refreshed();
  };
  const runs = Array.from({ length: consoles }, (_, n) => {
    let refreshed: () => void = () => undefined;
    first.push(
      new Promise<void>((resolve) => {
        refreshed = resolve;
      }),
    );
    return one(n, refreshed);
  });
  return {
    warm: Promise.all(first).then(() => undefined),
    done: Promise.all(runs).then(() => ({ refreshes, errors })),
  };
}

async function traffic(
  env: Record<string, string>,
  latencyMs: number,
  consoles: number,
  periodMs: number,
  durationMs: number,
  instances = 1,
): Promise<Traffic> {
  const gateways: GraphQLServer[] = [];
  // The TTL the gateway process will read from the same environment (it inherits the bench's).
  const directoryTtlMs = readCacheFromEnv({ ...process.env, ...env }, (message) => new Error(message)).directory.ttlMs;
  try {
    for (let n = 1; n <= instances; n++) {
      gateways.push(
        await startGatewayProcess(
          `gateway-consoles-${consoles}-${n}`,
          { latencyMs, copies: { incident: 1, alert: 5, ticket: 5 } },
          {},
          env,
        ),
      );
    }
    const { id } = await pickIncident(gateways[0] as GraphQLServer);
    const byInstance = () => Promise.all(gateways.map((gateway) => providerCallsByOperation(gateway.origin)));
    const calls = async () => {
      const total: Record<string, number> = {};
      for (const counts of await byInstance()) {
        for (const [operation, count] of Object.entries(counts)) total[operation] = (total[operation] ?? 0) + count;
      }
      return total;
    };
    const directoryOf = (counts: Record<string, number>) =>
      Object.entries(counts).reduce((sum, [operation, count]) => sum + (DIRECTORY.test(operation) ? count : 0), 0);
    // Every console starts within the first period; counting starts once each has made its first
    // refresh (its cold fill), and goes on for about `durationMs`.
    const driving = drive(gateways, id, consoles, periodMs, periodMs + durationMs);
    await driving.warm;
    const coldDirectoryByInstance = (await byInstance()).map(directoryOf);
    const before = await calls();
    const from = performance.now();
    const { refreshes, errors } = await driving.done;
    const after = await calls();
    const windowMs = performance.now() - from;
    const minutes = windowMs / 60_000;
    let directory = 0;
    let all = 0;
    const byOperation: Record<string, number> = {};
    for (const [operation, count] of Object.entries(after)) {
      const made = count - (before[operation] ?? 0);
      all += made;
      if (DIRECTORY.test(operation)) directory += made;
      if (made > 0) byOperation[operation] = made;
    }
    const observed = windowMs >= directoryTtlMs;
    return {
      directoryPerMinute: observed ? round(directory / minutes, 1) : null,
      ...(observed
        ? {}
        : {
            directoryUnobserved: `not observed: ${round(windowMs / 1000, 1)} s counted, shorter than the directory TTL (${directoryTtlMs / 1000} s)`,
          }),
      allPerMinute: round(all / minutes, 1),
      byOperation,
      coldDirectoryByInstance,
      refreshes,
      errors,
    };
  } finally {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
  }
}

/** The fleet over three instances sharing one Redis, with the shared cache on and off. */
async function acrossInstances(latencyMs: number, consoles: number, periodMs: number, durationMs: number) {
  const redis = await startRedis();
  try {
    const on = { OPSORCH_PUBSUB_URL: redis.url };
    return {
      shared: await traffic(on, latencyMs, consoles, periodMs, durationMs, 3),
      unshared: await traffic({ ...on, OPSORCH_CACHE_SHARED: 'false' }, latencyMs, consoles, periodMs, durationMs, 3),
    };
  } finally {
    await redis.stop();
  }
}

export async function consoleFigures(options: BenchOptions): Promise<Figures> {
  const consoles = options.quick ? 10 : 50;
  const periodMs = options.quick ? 3_000 : 15_000;
  const durationMs = (options.consoles?.seconds ?? (options.quick ? 15 : 120)) * 1000;
  const chosen = new Set<ConsolesRun>(options.consoles?.runs ?? CONSOLES_RUNS);
  const latency = options.latencyMs;
  const recordTtl = { OPSORCH_CACHE_RECORD_TTL_S: String(options.quick ? 2 : 10) };
  const runs: Traffic[] = [];
  const run = async (measuring: Promise<Traffic>) => {
    const measured = await measuring;
    runs.push(measured);
    return measured;
  };
  const alone = await run(traffic({}, latency, 1, periodMs, durationMs));
  const figures: Figures = {
    'consoles.count': consoles,
    'consoles.periodS': periodMs / 1000,
    'consoles.durationS': durationMs / 1000,
    'consoles.recordTtlS': Number(recordTtl.OPSORCH_CACHE_RECORD_TTL_S),
    'consoles.one.directoryPerMinute': alone.directoryPerMinute,
    'consoles.one.allPerMinute': alone.allPerMinute,
    'consoles.one.coldDirectoryReads': alone.coldDirectoryByInstance.join(' '),
  };
  if (chosen.has('fleet')) {
    const fleet = await run(traffic({}, latency, consoles, periodMs, durationMs));
    figures['consoles.fleet.directoryPerMinute'] = fleet.directoryPerMinute;
    figures['consoles.fleet.allPerMinute'] = fleet.allPerMinute;
    figures['consoles.fleet.ratio.directoryOverOne'] = overOne(fleet.directoryPerMinute, alone.directoryPerMinute);
  }
  if (chosen.has('recordTtl')) {
    const aloneTtl = await run(traffic(recordTtl, latency, 1, periodMs, durationMs));
    const fleetTtl = await run(traffic(recordTtl, latency, consoles, periodMs, durationMs));
    figures['consoles.recordTtl.one.allPerMinute'] = aloneTtl.allPerMinute;
    figures['consoles.recordTtl.fleet.allPerMinute'] = fleetTtl.allPerMinute;
    figures['consoles.recordTtl.ratio.allOverOne'] = ratio(fleetTtl.allPerMinute, aloneTtl.allPerMinute);
    // Per operation, one console's calls → the fleet's over the whole run: a fleet asks each
    // question once per record TTL period, one console once per refresh.
    figures['consoles.recordTtl.byOperation'] = byOperation(aloneTtl, fleetTtl);
  }
  if (chosen.has('noCache')) {
    const uncached = await run(traffic({ OPSORCH_CACHE_TTL_S: '0' }, latency, consoles, periodMs, durationMs));
    figures['consoles.fleetNoCache.directoryPerMinute'] = uncached.directoryPerMinute;
    figures['consoles.fleetNoCache.allPerMinute'] = uncached.allPerMinute;
  }
  if (chosen.has('threeInstances')) {
    const instances = await acrossInstances(latency, consoles, periodMs, durationMs);
    runs.push(instances.shared, instances.unshared);
    figures['consoles.threeInstances.directoryPerMinute'] = instances.shared.directoryPerMinute;
    figures['consoles.threeInstances.ratio.directoryOverOne'] = overOne(
      instances.shared.directoryPerMinute,
      alone.directoryPerMinute,
    );
    figures['consoles.threeInstances.byOperation'] = byOperation(alone, instances.shared);
    // Per instance, space-separated: sharing, the first instance to miss an entry reads it and
    // the others take its answer, waiting for it when they miss it at the same moment.
    figures['consoles.threeInstances.coldDirectoryReads'] = instances.shared.coldDirectoryByInstance.join(' ');
    figures['consoles.threeInstancesUnshared.coldDirectoryReads'] =
      instances.unshared.coldDirectoryByInstance.join(' ');
    figures['consoles.threeInstancesUnshared.directoryPerMinute'] = instances.unshared.directoryPerMinute;
    figures['consoles.threeInstancesUnshared.ratio.directoryOverOne'] = overOne(
      instances.unshared.directoryPerMinute,
      alone.directoryPerMinute,
    );
  }
  // Said once, by the first run that could not see a directory read (quick runs count 15 s).
  const unobserved = runs.find((t) => t.directoryUnobserved)?.directoryUnobserved;
  if (unobserved)
    figures['consoles.directoryNotObserved'] = `${unobserved}: directoryPerMinute and its ratios are null`;
  figures['consoles.refreshes'] = runs.reduce((sum, t) => sum + t.refreshes, 0);
  figures['consoles.errors'] = runs.reduce((sum, t) => sum + t.errors, 0);
  return figures;
}

/** A directory rate over one console's; null where either was not observed or one console's is 0. */
function overOne(rate: number | null, one: number | null): number | null {
  return rate === null || one === null || one === 0 ? null : ratio(rate, one);
}

/** `<operation> <one console's calls>→<the other run's>` for every operation either made. */
function byOperation(one: Traffic, other: Traffic): string {
  return Object.keys({ ...one.byOperation, ...other.byOperation })
    .sort()
    .map((op) => `${op} ${one.byOperation[op] ?? 0}→${other.byOperation[op] ?? 0}`)
    .join(', ');
}
