/**
 * Alerts and silences through the whole gateway against a real Alertmanager, with alerts posted
 * the way Prometheus posts them and an inhibition rule (`ServiceDown` mutes its service's others).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertmanagerAdapter } from '../../../adapters/alertmanager/index.js';
import { filterMatchers } from '../../../adapters/alertmanager/query.js';
import { SeverityMap } from '../../../adapters/alertmanager/severity.js';
import { type PostedAlert, postAlerts, settledAlerts, startAlertmanager } from '../../helpers/alertmanager.js';
import { type CallLog, countingAdapter } from '../../helpers/counting.js';
import { startTestGateway, type TestGateway, testLogger } from '../../helpers/gateway.js';
import { gql, gqlData } from '../../helpers/graphql.js';
import type { RealServer } from '../../helpers/prometheus.js';

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

const ALERTS: PostedAlert[] = [
  {
    labels: { alertname: 'HighErrorRate', service: 'checkout-api', severity: 'critical', env: 'prod' },
    annotations: { summary: '5xx above 5%', description: 'Checkout is failing requests' },
    startsAt: minutesAgo(10),
  },
  { labels: { alertname: 'HighLatency', service: 'checkout-api', severity: 'warning' }, startsAt: minutesAgo(5) },
  { labels: { alertname: 'DiskFilling', service: 'payments', severity: 'info' }, startsAt: minutesAgo(20) },
  { labels: { alertname: 'ServiceDown', service: 'search', severity: 'critical' }, startsAt: minutesAgo(2) },
  { labels: { alertname: 'SlowQueries', service: 'search', severity: 'warning' }, startsAt: minutesAgo(3) },
  { labels: { alertname: 'CertExpiring', service: 'payments', severity: 'sev-whatever' }, startsAt: minutesAgo(30) },
  { labels: { alertname: 'Quoted', service: 'odd"svc\\x', severity: 'error' }, startsAt: minutesAgo(40) },
  { labels: { alertname: 'NoisyAlert', service: 'checkout-api', severity: 'warning' }, startsAt: minutesAgo(1) },
];

let alertmanager: RealServer;
let gateway: TestGateway;
let calls: CallLog;

beforeAll(async () => {
  alertmanager = await startAlertmanager();
  await postAlerts(alertmanager.url, ALERTS);
  await settledAlerts(alertmanager.url, ALERTS.length);
  const counted = countingAdapter(
    await createAlertmanagerAdapter(
      { alertmanagerURL: alertmanager.url },
      { name: 'alertmanager', logger: testLogger },
    ),
  );
  calls = counted.log;
  gateway = await startTestGateway([{ name: 'alertmanager', adapter: counted.adapter }]);
});

afterAll(async () => {
  await gateway?.stop();
  await alertmanager?.stop();
});

interface AlertView {
  id: string;
  title: string;
  description: string | null;
  status: string;
  rawStatus: string | null;
  severity: string;
  rawSeverity: string | null;
  startsAt: string;
  labels: Record<string, string>;
  url: string;
  source: { provider: string; nativeId: string };
}

const ALERT_FIELDS =
  'id title description status rawStatus severity rawSeverity startsAt labels url source { provider nativeId }';

async function alerts(filter: Record<string, unknown> = {}, first = 50, after?: string) {
  const data = await gqlData<{
    alerts: { nodes: AlertView[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; totalCount: number };
  }>(
    gateway.url,
    `query($filter: AlertFilter, $first: Int, $after: String) {
      alerts(filter: $filter, first: $first, after: $after) {
        nodes { ${ALERT_FIELDS} } pageInfo { hasNextPage endCursor } totalCount
      }
    }`,
    { filter, first, after },
  );
  return data.alerts;
}

const names = (list: AlertView[]) => list.map((a) => a.labels.alertname);

describe('alerts from a real Alertmanager', () => {
  it('lists every alert newest first, normalized, with the raw values kept', async () => {
    const { nodes, totalCount } = await alerts();
    expect(totalCount).toBe(ALERTS.length);
    expect(names(nodes)).toEqual([
      'NoisyAlert',
      'ServiceDown',
      'SlowQueries',
      'HighLatency',
      'HighErrorRate',
      'DiskFilling',
      'CertExpiring',
      'Quoted',
    ]);
    const error = nodes.find((a) => a.labels.alertname === 'HighErrorRate') as AlertView;
    expect(error).toMatchObject({
      title: 'HighErrorRate: 5xx above 5%',
      description: 'Checkout is failing requests',
      status: 'FIRING',
      rawStatus: 'active',
      severity: 'CRITICAL',
      rawSeverity: 'critical',
      source: { provider: 'alertmanager' },
    });
    expect(error.source.nativeId).toMatch(/^[0-9a-f]{16}$/);
    expect(nodes.find((a) => a.labels.alertname === 'CertExpiring')).toMatchObject({
      severity: 'UNKNOWN',
      rawSeverity: 'sev-whatever',
    });
    expect(nodes.find((a) => a.labels.alertname === 'SlowQueries')).toMatchObject({
      status: 'INHIBITED',
      rawStatus: 'suppressed',
    });
  });

  it('links each alert to the Alertmanager UI filtered to exactly its labels', async () => {
    const { nodes } = await alerts({ query: 'Quoted' });
    const link = (nodes[0] as AlertView).url;
    expect(link.startsWith(`${alertmanager.url}/#/alerts?`)).toBe(true);
    const params = new URLSearchParams(link.split('#/alerts?')[1]);
    expect(params.get('filter')).toBe('{alertname="Quoted",service="odd\\"svc\\\\x",severity="error"}');
    expect(link).not.toMatch(/[{}"]/);
    // The filter is one Alertmanager understands: the API selects exactly this alert with it.
    const matchers = (params.get('filter') as string).slice(1, -1).split(/,(?=[a-z]+=)/);
    const query = matchers.map((m) => `filter=${encodeURIComponent(m)}`).join('&');
    const selected = (await (await fetch(`${alertmanager.url}/api/v2/alerts?${query}`)).json()) as unknown[];
    expect(selected).toHaveLength(1);
  });

  it('filters by state with the API switches', async () => {
    expect(names((await alerts({ statuses: ['INHIBITED'] })).nodes)).toEqual(['SlowQueries']);
    const firing = (await alerts({ statuses: ['FIRING'] })).nodes;
    expect(firing).toHaveLength(ALERTS.length - 1);
    expect(firing.every((a) => a.status === 'FIRING')).toBe(true);
    // Alertmanager drops resolved alerts: nothing to find, and no error.
    expect((await alerts({ statuses: ['RESOLVED'] })).nodes).toEqual([]);
  });

  it('selects several severities with one regex matcher', async () => {
    const list = (await alerts({ severities: ['CRITICAL', 'HIGH'] })).nodes;
    expect(names(list).sort()).toEqual(['HighErrorRate', 'Quoted', 'ServiceDown']);
    expect(names((await alerts({ severities: ['UNKNOWN'] })).nodes)).toEqual(['CertExpiring']);

    const filter = filterMatchers(
      { first: 1, severities: ['CRITICAL', 'MEDIUM'], scope: { service: 'x' } },
      {
        serviceLabel: 'service',
        environmentLabel: 'env',
        teamLabel: 'team',
        severityLabel: 'severity',
        severities: new SeverityMap({ critical: 'CRITICAL', warning: 'MEDIUM', 'p.1': 'CRITICAL' }),
      },
    );
    expect(filter).toEqual(['service="x"', 'severity=~"(?i)critical|warning|p\\\\.1"']);
  });

  it('scopes by service with escaped matchers', async () => {
    expect(names((await alerts({ scope: { service: 'checkout-api' } })).nodes)).toEqual([
      'NoisyAlert',
      'HighLatency',
      'HighErrorRate',
    ]);
    expect(names((await alerts({ scope: { service: 'odd"svc\\x' } })).nodes)).toEqual(['Quoted']);
    const injection = await gql<{ alerts: { edges: unknown[] } }>(
      gateway.url,
      'query($f: AlertFilter) { alerts(filter: $f) { edges { node { id } } } }',
      { f: { scope: { service: 'checkout-api", alertname=~".+' } } },
    );
    expect(injection.errors).toBeUndefined();
    expect(injection.data?.alerts.edges).toEqual([]);
  });

  it('matches free text and the active window', async () => {
    expect(names((await alerts({ query: 'failing requests' })).nodes)).toEqual(['HighErrorRate']);
    const window = { start: minutesAgo(35), end: minutesAgo(15) };
    expect(names((await alerts({ activeWithin: window })).nodes)).toEqual(['DiskFilling', 'CertExpiring', 'Quoted']);
    const future = {
      start: new Date(Date.now() + 3_600_000).toISOString(),
      end: new Date(Date.now() + 7_200_000).toISOString(),
    };
    expect((await alerts({ activeWithin: future })).nodes).toEqual([]);
  });

  it('pages deterministically', async () => {
    const first = await alerts({}, 3);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await alerts({}, 3, first.pageInfo.endCursor as string);
    const all = await alerts();
    expect([...names(first.nodes), ...names(second.nodes)]).toEqual(names(all.nodes).slice(0, 6));
  });

  it('gets alerts by fingerprint in one batched call', async () => {
    const { nodes } = await alerts({ scope: { service: 'checkout-api' } });
    const ids = nodes.map((a) => a.id);
    calls.reset();
    const data = await gqlData<{ nodes: ({ id: string; title: string } | null)[]; alert: { title: string } }>(
      gateway.url,
      `query($ids: [ID!]!, $one: ID!) { nodes(ids: $ids) { id ... on Alert { title } } alert(id: $one) { title } }`,
      { ids, one: ids[2] },
    );
    expect(data.nodes.map((n) => n?.id)).toEqual(ids);
    expect(data.alert.title).toBe('HighErrorRate: 5xx above 5%');
    expect(calls.count('alert', 'getMany')).toBe(1);

    const missing = Buffer.from('Alert:alertmanager:0000000000000000').toString('base64url');
    const result = await gql<{ alert: unknown }>(gateway.url, 'query($id: ID!) { alert(id: $id) { id } }', {
      id: missing,
    });
    expect(result.data?.alert ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('reports Alertmanager as healthy', async () => {
    const { providers } = await gqlData<{ providers: { provider: string; health: { status: string } }[] }>(
      gateway.url,
      '{ providers { provider health { status } } }',
    );
    expect(providers).toContainEqual({ provider: 'alertmanager', health: { status: 'HEALTHY' } });
  });
});

const SILENCE = `mutation($input: AlertSilenceInput!) {
  alertSilence(input: $input) {
    silence { id url startsAt endsAt comment createdBy matchers { name value op } source { provider } }
    userErrors { message field code }
  }
}`;

interface SilencePayload {
  alertSilence: {
    silence: {
      id: string;
      url: string;
      startsAt: string;
      endsAt: string;
      comment: string;
      createdBy: string;
      matchers: { name: string; value: string; op: string }[];
    } | null;
    userErrors: { message: string; field: string[]; code: string }[];
  };
}

describe('silencing', () => {
  it('silences one alert: it is SILENCED on the next query, and the silence is real', async () => {
    const noisy = (await alerts({ query: 'NoisyAlert' })).nodes[0] as AlertView;
    const { alertSilence } = await gqlData<SilencePayload>(gateway.url, SILENCE, {
      input: { alertId: noisy.id, durationMinutes: 30, comment: 'deploying the fix', createdBy: 'oncall@example.com' },
    });
    expect(alertSilence.userErrors).toEqual([]);
    const silence = alertSilence.silence as NonNullable<SilencePayload['alertSilence']['silence']>;
    expect(silence.url).toBe(`${alertmanager.url}/#/silences/${silence.id}`);
    expect(Date.parse(silence.endsAt) - Date.parse(silence.startsAt)).toBe(30 * 60_000);
    expect(silence.matchers).toContainEqual({ name: 'alertname', value: 'NoisyAlert', op: 'EQ' });

    const after = (await alerts({ statuses: ['SILENCED'] })).nodes;
    expect(names(after)).toEqual(['NoisyAlert']);
    expect(after[0]).toMatchObject({ status: 'SILENCED', rawStatus: 'suppressed' });
    expect(names((await alerts({ statuses: ['FIRING'] })).nodes)).not.toContain('NoisyAlert');

    const stored = (await (await fetch(`${alertmanager.url}/api/v2/silence/${silence.id}`)).json()) as {
      createdBy: string;
      comment: string;
      status: { state: string };
    };
    expect(stored).toMatchObject({ createdBy: 'oncall@example.com', comment: 'deploying the fix' });
    expect(stored.status.state).toBe('active');
  });

  it('silences by matchers for an ISO 8601 duration', async () => {
    const { alertSilence } = await gqlData<SilencePayload>(gateway.url, SILENCE, {
      input: {
        matchers: [{ name: 'service', value: 'payments' }],
        duration: 'PT2H',
        comment: 'maintenance window',
        createdBy: 'ops',
      },
    });
    expect(alertSilence.userErrors).toEqual([]);
    const silence = alertSilence.silence as NonNullable<SilencePayload['alertSilence']['silence']>;
    expect(Date.parse(silence.endsAt) - Date.parse(silence.startsAt)).toBe(2 * 3_600_000);
    const payments = (await alerts({ scope: { service: 'payments' } })).nodes;
    expect(payments.map((a) => a.status)).toEqual(['SILENCED', 'SILENCED']);
  });

  it('answers bad input with user errors', async () => {
    const noisy = (await alerts({ query: 'NoisyAlert' })).nodes[0] as AlertView;
    const base = { comment: 'x', createdBy: 'me' };
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...base, alertId: noisy.id }, 'INVALID', 'duration'],
      [{ ...base, alertId: noisy.id, duration: 'two hours' }, 'INVALID', 'duration'],
      [{ ...base, alertId: noisy.id, durationMinutes: 0 }, 'INVALID', 'durationMinutes'],
      [{ ...base, durationMinutes: 5 }, 'INVALID', 'alertId'],
      [{ ...base, alertId: noisy.id, matchers: [{ name: 'a', value: 'b' }], durationMinutes: 5 }, 'INVALID', 'alertId'],
      [{ ...base, comment: '  ', alertId: noisy.id, durationMinutes: 5 }, 'BLANK', 'comment'],
      [
        {
          ...base,
          alertId: Buffer.from('Alert:alertmanager:ffffffffffffffff').toString('base64url'),
          durationMinutes: 5,
        },
        'NOT_FOUND',
        'alertId',
      ],
    ];
    for (const [input, code, field] of cases) {
      const { alertSilence } = await gqlData<SilencePayload>(gateway.url, SILENCE, { input });
      expect(alertSilence.silence).toBeNull();
      expect(alertSilence.userErrors[0]).toMatchObject({ code, field: ['input', field] });
    }
  });
});
