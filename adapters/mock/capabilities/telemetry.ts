/** Logs and metrics: computed on demand from the world, never stored. */
import { badInput, type LogCapability, type MetricCapability, settleEach } from '../../contract/index.js';
import { copy } from '../copy.js';
import type { OpsContext } from '../ops/context.js';
import { parseRange, servicesInScope } from '../scope.js';
import { searchLogs } from '../world/logs.js';
import { DESCRIPTORS } from '../world/metrics.js';
import { evaluate } from '../world/series.js';

const MAX_LOG_LIMIT = 1000;

export function logCapability({ world }: OpsContext): LogCapability {
  return {
    query: (queries) =>
      settleEach(queries, (query) => {
        const { start, end } = parseRange({ start: query.start, end: query.end }, 'query');
        if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_LOG_LIMIT) {
          throw badInput(`limit must be an integer between 1 and ${MAX_LOG_LIMIT}`);
        }
        return searchLogs(world, {
          services: servicesInScope(world, query.scope),
          start,
          end,
          limit: query.limit,
          ...(query.levels && { levels: query.levels }),
          ...(query.query && { query: query.query }),
        });
      }),
  };
}

export function metricCapability({ world }: OpsContext): MetricCapability {
  return {
    query: (queries) => settleEach(queries, (query) => evaluate(world, query)),
    describe: (scopes) =>
      settleEach(scopes, (scope) => (servicesInScope(world, scope).length > 0 ? copy([...DESCRIPTORS]) : [])),
  };
}
