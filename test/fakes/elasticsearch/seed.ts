/**
 * Log documents as real shippers write them: ECS from Beats/Elastic Agent (nested `log.level`,
 * `service.name`), flat dotted keys from an ingest pipeline, and OpsOrch's flat `severity` /
 * `level` / `service`. Timestamps one minute apart, newest at `NEWEST`.
 */
import type { Doc, ElasticFake } from './server.js';

export const NEWEST = Date.parse('2026-11-20T12:00:00.000Z');
export const WINDOW = { start: '2026-11-20T10:00:00.000Z', end: '2026-11-20T12:30:00.000Z' };

const at = (minutesAgo: number) => new Date(NEWEST - minutesAgo * 60_000).toISOString();

export function seedLogs(fake: ElasticFake): void {
  const checkout: Doc[] = [];
  for (let i = 0; i < 12; i++) {
    checkout.push({
      _id: `co-${String(i).padStart(2, '0')}`,
      '@timestamp': at(i * 2),
      message: `payment gateway timeout after ${1000 + i} ms`,
      log: { level: i % 3 === 0 ? 'ERROR' : 'warn', logger: 'payments' },
      service: { name: 'checkout', environment: 'production' },
      host: { name: `web-${i % 2}` },
      'http.request.method': i % 2 ? 'POST' : 'GET',
      trace: { id: `trace-${i}` },
    });
  }
  const ledger: Doc[] = [
    {
      _id: 'lg-1',
      '@timestamp': at(1),
      message: 'ledger balanced',
      severity: 'info',
      service: 'ledger',
      environment: 'production',
    },
    {
      _id: 'lg-2',
      '@timestamp': at(3),
      message: 'ledger write failed: disk full',
      level: 'error',
      service: 'ledger',
      environment: 'staging',
    },
    {
      _id: 'lg-3',
      '@timestamp': at(5),
      message: 'user\'s "quoted" (text) & more!',
      severity: 'FATAL',
      service: 'ledger',
    },
    { _id: 'lg-4', '@timestamp': at(200), message: 'outside the window', severity: 'error', service: 'ledger' },
    {
      _id: 'lg-5',
      '@timestamp': at(7),
      message: 'secret AND admin',
      'log.level': 'debug',
      service: 'ledger',
      'user.name': 'admin*',
    },
  ];
  fake.indices.set('logs-checkout-2026.11.20', checkout);
  fake.indices.set('logs-ledger-2026.11.20', ledger);
  fake.indices.set('metrics-2026.11.20', [{ _id: 'm1', '@timestamp': at(1), message: 'not a log index' }]);
}
