/** A small Datadog org: logs, metric series, monitors over two pages, incidents over two pages. */
import type { DatadogFake, FakeLog } from './server.js';

export const NOW = Date.parse('2026-11-20T12:00:00.000Z');
export const WINDOW = { start: '2026-11-20T10:00:00.000Z', end: '2026-11-20T12:30:00.000Z' };
const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString();

export function seedDatadog(fake: DatadogFake): void {
  const statuses = ['error', 'warn', 'info', 'critical', 'debug'];
  for (let i = 0; i < 25; i++) {
    fake.logs.push({
      id: `AQAAAY${String(i).padStart(4, '0')}`,
      timestamp: at(i),
      status: statuses[i % statuses.length] as string,
      service: i % 5 === 4 ? 'ledger' : 'checkout',
      host: `web-${i % 3}`,
      message: `payment attempt ${i} failed: upstream timeout`,
      tags: [`env:${i % 2 ? 'staging' : 'production'}`, `version:1.${i}`, `team:payments`],
      attributes: { http: { status_code: 500 + (i % 3) }, user: { id: `u-${i}` } },
    } satisfies FakeLog);
  }
  fake.logs.push(
    {
      id: 'AQAAAYliteral',
      timestamp: at(3),
      status: 'error',
      service: 'checkout',
      host: 'web-9',
      message: 'user typed OR service:ledger -status:error *',
      tags: ['env:production'],
      attributes: {},
    },
    {
      id: 'AQAAAYold',
      timestamp: at(500),
      status: 'error',
      service: 'checkout',
      host: 'web-1',
      message: 'outside the window',
      tags: [],
      attributes: {},
    },
  );

  fake.series.push(
    { metric: 'trace.http.request.hits', tags: ['service:checkout', 'env:production', 'host:web-0'], value: 10 },
    { metric: 'trace.http.request.hits', tags: ['service:checkout', 'env:production', 'host:web-1'], value: 30 },
    { metric: 'trace.http.request.hits', tags: ['service:checkout', 'env:staging', 'host:web-2'], value: 5 },
    { metric: 'trace.http.request.hits', tags: ['service:ledger', 'env:production', 'host:db-0'], value: 7 },
  );
  for (let i = 0; i < 2500; i++)
    fake.metricNames.push({ id: `app.metric.${String(i).padStart(4, '0')}`, type: 'metrics' });
  fake.metricNames.push({ id: 'trace.http.request.duration', type: 'distribution_metrics' });

  const states = ['Alert', 'Warn', 'OK', 'No Data'];
  for (let i = 0; i < 150; i++) {
    fake.monitors.push({
      id: 1000 + i,
      name: `Monitor ${i}: ${i % 2 ? 'checkout' : 'ledger'} latency`,
      overall_state: states[i % states.length] as string,
      overall_state_modified: at(i),
      priority: i % 5 === 0 ? null : ((i % 5) as number),
      tags: [`service:${i % 2 ? 'checkout' : 'ledger'}`, 'env:production', `team:payments`],
      query: `avg(last_5m):avg:trace.http.request.duration{service:${i % 2 ? 'checkout' : 'ledger'}} > 2`,
      type: 'query alert',
      options: { silenced: {} },
      matching_downtimes: [],
    });
  }

  for (let i = 0; i < 130; i++) {
    fake.incidents.push({
      id: `7c1f${String(i).padStart(4, '0')}-2d4e-4f7a-9b1c-0123456789ab`,
      public_id: i + 1,
      title: `Incident ${i + 1}: ${i % 3 ? 'checkout' : 'ledger'} errors`,
      created: at(i * 7),
      modified: at(i * 7),
      state: ['active', 'stable', 'resolved'][i % 3] as string,
      severity: `SEV-${(i % 5) + 1}`,
      services: [i % 3 ? 'checkout' : 'ledger'],
      cells: [{ id: `cell-${i}-0`, content: `Declared incident ${i + 1}`, created: at(i * 7), user: 'user-1' }],
    });
  }
}
