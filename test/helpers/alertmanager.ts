/**
 * Real Alertmanager for tests: the Debian `prometheus-alertmanager` binary on a loopback
 * port of its own with a temp data dir, clustering off, and an inhibition rule tests can trigger.
 * Alerts are put there the way Prometheus does it: POST /api/v2/alerts.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, type RealServer, spawnReady } from './prometheus.js';

/** `ServiceDown` inhibits every other alert of the same service. */
const CONFIG = `route:
  receiver: blackhole
  group_by: [alertname, service]
  group_wait: 1s
  group_interval: 1s
receivers:
  - name: blackhole
inhibit_rules:
  - source_matchers: ['alertname="ServiceDown"']
    target_matchers: ['alertname!="ServiceDown"']
    equal: [service]
`;

export async function startAlertmanager(): Promise<RealServer> {
  return spawnReady(
    '/usr/bin/prometheus-alertmanager',
    (listenAddress, dir) => [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=${listenAddress}`,
      // Empty disables clustering: no gossip port to collide with other suites.
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    (dir) => writeFile(join(dir, 'alertmanager.yml'), CONFIG),
  );
}

export interface PostedAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
}

export async function postAlerts(url: string, alerts: PostedAlert[]): Promise<void> {
  const response = await fetch(`${url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts),
  });
  if (!response.ok) throw new Error(`posting alerts failed: ${response.status} ${await response.text()}`);
}

interface RawAlert {
  fingerprint: string;
  labels: Record<string, string>;
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] };
}

/** Waits until Alertmanager has processed the alerts (none left `unprocessed`), and returns them all. */
export async function settledAlerts(url: string, count: number): Promise<RawAlert[]> {
  return eventually(async () => {
    const alerts = (await (await fetch(`${url}/api/v2/alerts`)).json()) as RawAlert[];
    const settled = alerts.length >= count && alerts.every((a) => a.status.state !== 'unprocessed');
    return settled ? alerts : undefined;
  });
}
