/**
 * `npm run bench [-- --quick] [-- --latency=40] [-- --soak-seconds=300]`: starts the servers under
 * test as separate processes, measures every figure in one run, prints a table and writes
 * `bench/results/latest.json` (one key per figure, ratios included).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { BenchOptions, Figures, Servers } from './figures/context.js';
import { overheadFigures } from './figures/overhead.js';
import { pageFigures } from './figures/page.js';
import { scaleFigures } from './figures/scale.js';
import { singleFlightFigures } from './figures/single-flight.js';
import { soakFigures } from './figures/soak.js';
import { subscriptionFigures } from './figures/subscriptions.js';
import { startBareProcess, startGatewayProcess, startRestProcess } from './lib/gateway.js';
import { machine } from './lib/machine.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    latency: { type: 'string', default: '40' },
    'soak-seconds': { type: 'string' },
  },
});
const quick = values.quick ?? false;
const options: BenchOptions = {
  quick,
  latencyMs: Number(values.latency),
  soakSeconds: Number(values['soak-seconds'] ?? (quick ? 12 : 300)),
  loadSeconds: quick ? 3 : 10,
};
if (!Number.isFinite(options.latencyMs) || options.latencyMs < 0) throw new Error('--latency must be a number of ms');

/** One page with at least 10 alerts and 5 tickets; a thousand incidents for the scale figures. */
const slow = { latencyMs: options.latencyMs, copies: { incident: 1, alert: 5, ticket: 5 } };
const fast = { latencyMs: 0, copies: { incident: 42, alert: 1, ticket: 1 } };

const started = performance.now();
const log = (message: string) =>
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${message}\n`);

log('starting gateway, REST and bare servers');
const launched = await Promise.allSettled([
  startGatewayProcess('gateway', slow),
  startGatewayProcess('gateway-no-dataloader', slow, { dataloader: false }),
  startGatewayProcess('gateway-no-single-flight', slow, { singleFlight: false }),
  startRestProcess('rest', slow),
  startGatewayProcess('gateway-fast', fast),
  startBareProcess('bare', fast),
]);
const up = launched.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
const failed = launched.find((r): r is PromiseRejectedResult => r.status === 'rejected');
if (failed) {
  await Promise.all(up.map((s) => s.stop()));
  throw failed.reason;
}
const [gateway, gatewayNoLoader, gatewayNoSingleFlight, rest, gatewayFast, bare] = up as [
  Servers['gateway'],
  Servers['gatewayNoLoader'],
  Servers['gatewayNoSingleFlight'],
  Servers['rest'],
  Servers['gatewayFast'],
  Servers['bare'],
];
const servers: Servers = { gateway, gatewayNoLoader, gatewayNoSingleFlight, rest, gatewayFast, bare };

const results: Figures = { ...machine(), 'run.quick': quick, 'run.startedAt': new Date().toISOString() };
const sections: [string, (s: Servers, o: BenchOptions) => Promise<Figures>][] = [
  ['1-2 console page: provider calls and latency', pageFigures],
  ['single-flight before/after', singleFlightFigures],
  ['3 gateway overhead vs bare Apollo', overheadFigures],
  ['4 scale with work', scaleFigures],
  ['5 subscriptions', subscriptionFigures],
  ['6 soak', soakFigures],
];
try {
  for (const [title, measure] of sections) {
    log(title);
    try {
      Object.assign(results, await measure(servers, options));
    } catch (err) {
      results[`error.${title}`] = err instanceof Error ? err.message : String(err);
      log(`${title} failed: ${String(err)}`);
    }
  }
} finally {
  await Promise.all(up.map((s) => s.stop()));
}
results['run.seconds'] = Math.round((performance.now() - started) / 100) / 10;

const width = Math.max(...Object.keys(results).map((k) => k.length));
process.stdout.write(`${'figure'.padEnd(width)}  value\n${'-'.repeat(width)}  -----\n`);
for (const [key, value] of Object.entries(results)) process.stdout.write(`${key.padEnd(width)}  ${String(value)}\n`);

const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('latest.json', dir), `${JSON.stringify(results, null, 2)}\n`);
log(`wrote bench/results/latest.json in ${results['run.seconds']} s`);
