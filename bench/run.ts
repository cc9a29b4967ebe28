/**
 * `npm run bench [-- --quick] [--latency=40] [--soak-seconds=300] [--only=page --only=overhead ...]`:
 * starts the servers under test as separate processes, measures every figure in one run, prints a table and writes
 * `bench/results/latest.json` (one key per figure, ratios included).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { abuseFigures } from './figures/abuse.js';
import { consoleFigures } from './figures/consoles.js';
import { type BenchOptions, CONSOLES_RUNS, type ConsolesRun, type Figures, type Servers } from './figures/context.js';
import { coreFigures } from './figures/core.js';
import { isolationFigures } from './figures/isolation.js';
import { overheadFigures } from './figures/overhead.js';
import { PAGE_COPIES, pageFigures } from './figures/page.js';
import { scaleFigures } from './figures/scale.js';
import { singleFlightFigures } from './figures/single-flight.js';
import { soakFigures } from './figures/soak.js';
import { subscriptionFigures } from './figures/subscriptions.js';
import { FAST, startBareProcess, startGatewayProcess, startRestProcess } from './lib/gateway.js';
import { machine } from './lib/machine.js';
import { startCoreProcess, startPluginGatewayProcess } from './lib/opsorch.js';

const SECTIONS: {
  name: string;
  title: string;
  needs: (keyof Servers)[];
  measure: (s: Servers, o: BenchOptions) => Promise<Figures>;
}[] = [
  {
    name: 'page',
    title: '1-2 console page: provider calls and latency',
    needs: ['gateway', 'gatewayNoLoader', 'rest'],
    measure: pageFigures,
  },
  {
    name: 'single-flight',
    title: 'single-flight before/after',
    needs: ['gateway', 'gatewayNoSingleFlight'],
    measure: singleFlightFigures,
  },
  {
    name: 'overhead',
    title: '3 gateway overhead vs bare Apollo',
    needs: ['gatewayFast', 'bare'],
    measure: overheadFigures,
  },
  { name: 'scale', title: '4 scale with work', needs: ['gatewayFast'], measure: scaleFigures },
  {
    name: 'consoles',
    title: 'provider traffic against the number of consoles',
    needs: [],
    measure: (_, options) => consoleFigures(options),
  },
  { name: 'subscriptions', title: '5 subscriptions', needs: [], measure: subscriptionFigures },
  { name: 'soak', title: '6 soak', needs: ['gateway'], measure: soakFigures },
  {
    name: 'abuse',
    title: 'latency isolation: one client sending the worst accepted query',
    needs: [],
    measure: (_, options) => abuseFigures(options),
  },
  {
    name: 'core',
    title: 'against OpsOrch Core on the same plugins',
    needs: ['core', 'gatewayPlugins'],
    measure: coreFigures,
  },
  { name: 'isolation', title: 'provider isolation: one provider hanging', needs: [], measure: isolationFigures },
];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    latency: { type: 'string', default: '40' },
    'soak-seconds': { type: 'string' },
    only: { type: 'string', multiple: true },
    consoles: { type: 'string', multiple: true },
    'consoles-seconds': { type: 'string' },
  },
});
const quick = values.quick ?? false;
const options: BenchOptions = {
  quick,
  latencyMs: Number(values.latency),
  soakSeconds: Number(values['soak-seconds'] ?? (quick ? 8 : 300)),
  loadSeconds: quick ? 2 : 10,
  consoles: {
    ...(values.consoles ? { runs: values.consoles.map(consolesRun) } : {}),
    ...(values['consoles-seconds'] ? { seconds: Number(values['consoles-seconds']) } : {}),
  },
};
if (!(Number(options.consoles?.seconds ?? 1) > 0)) throw new Error('--consoles-seconds must be a number of seconds');

function consolesRun(name: string): ConsolesRun {
  const run = CONSOLES_RUNS.find((known) => known === name);
  if (!run) throw new Error(`--consoles takes: ${CONSOLES_RUNS.join(', ')}`);
  return run;
}
if (!Number.isFinite(options.latencyMs) || options.latencyMs < 0) throw new Error('--latency must be a number of ms');
const chosen = SECTIONS.filter((section) => !values.only?.length || values.only.includes(section.name));
if (chosen.length === 0) throw new Error(`--only takes: ${SECTIONS.map((section) => section.name).join(', ')}`);

/** One page with at least 10 alerts and 5 tickets; a thousand incidents for the scale figures. */
const slow = { latencyMs: options.latencyMs, copies: PAGE_COPIES };

const starters: { [K in keyof Servers]: () => Promise<Servers[K]> } = {
  gateway: () => startGatewayProcess('gateway', slow),
  gatewayNoLoader: () => startGatewayProcess('gateway-no-dataloader', slow, { dataloader: false }),
  gatewayNoSingleFlight: () => startGatewayProcess('gateway-no-single-flight', slow, { singleFlight: false }),
  rest: () => startRestProcess('rest', slow),
  gatewayFast: () => startGatewayProcess('gateway-fast', FAST),
  bare: () => startBareProcess('bare', FAST),
  core: () => startCoreProcess('opsorch-core'),
  gatewayPlugins: () => startPluginGatewayProcess('gateway-plugins', { OPSORCH_SINGLE_FLIGHT: 'off' }),
};

const started = performance.now();
const log = (message: string) =>
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1)}s] ${message}\n`);

const needed = [...new Set(chosen.flatMap((section) => section.needs))];
log(`starting ${needed.join(', ')}`);
const launched = await Promise.allSettled(needed.map((name) => starters[name]()));
const up = launched.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
const failed = launched.find((r): r is PromiseRejectedResult => r.status === 'rejected');
if (failed) {
  await Promise.all(up.map((server) => server.stop()));
  throw failed.reason;
}
const servers = Object.fromEntries(needed.map((name, i) => [name, up[i]])) as unknown as Servers;

const results: Figures = {
  ...machine(),
  'run.quick': quick,
  'run.sections': chosen.map((section) => section.name).join(','),
  'run.startedAt': new Date().toISOString(),
};
try {
  for (const { title, measure } of chosen) {
    log(title);
    try {
      Object.assign(results, await measure(servers, options));
    } catch (err) {
      results[`error.${title}`] = err instanceof Error ? err.message : String(err);
      log(`${title} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
} finally {
  await Promise.all(up.map((server) => server.stop()));
}
results['run.seconds'] = Math.round((performance.now() - started) / 100) / 10;

const width = Math.max(...Object.keys(results).map((k) => k.length));
process.stdout.write(`${'figure'.padEnd(width)}  value\n${'-'.repeat(width)}  -----\n`);
for (const [key, value] of Object.entries(results)) process.stdout.write(`${key.padEnd(width)}  ${String(value)}\n`);

const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('latest.json', dir), `${JSON.stringify(results, null, 2)}\n`);
log(`wrote bench/results/latest.json in ${results['run.seconds']} s`);
