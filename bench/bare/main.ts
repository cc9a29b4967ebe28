/** `BARE_PORT` and `BARE_CONFIG` (the bench adapter's config, latency 0): the floor as a process. */
import type { Adapter, CapabilityMap, Page, Result } from '../../adapters/contract/index.js';
import { createLogger } from '../../src/logger.js';
import { createBenchAdapter } from '../gateway/bench-adapter.js';
import { startBareServer } from './server.js';

function all<T>([page]: Result<Page<T>>[]): T[] {
  if (!page || page instanceof Error) throw page ?? new Error('no page');
  return page.nodes;
}

const config = JSON.parse(process.env.BARE_CONFIG ?? '{}') as Record<string, unknown>;
const adapter: Adapter = await createBenchAdapter(config, { name: 'bench-mock', logger: createLogger('warn') });
const caps = adapter.capabilities as CapabilityMap;
const first = 100_000;
await startBareServer(
  {
    incidents: all(await caps.incident.query([{ first }], {})),
    services: all(await caps.service.query([{ first }], {})),
    teams: all(await caps.team.query([{ first }], {})),
  },
  Number(process.env.BARE_PORT),
);
