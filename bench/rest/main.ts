/** `REST_PORT` and `REST_CONFIG` (the bench adapter's config): the REST baseline as a process. */
import { createLogger } from '../../src/logger.js';
import { createBenchAdapter } from '../gateway/bench-adapter.js';
import { restServer } from './server.js';

const logger = createLogger('warn');
const adapter = await createBenchAdapter(JSON.parse(process.env.REST_CONFIG ?? '{}') as Record<string, unknown>, {
  name: 'bench-mock',
  logger,
});
restServer(adapter).listen(Number(process.env.REST_PORT), '127.0.0.1');
