/** Deep links shaped like the real tools, so a demo click-through looks like production. */

export const PAGERDUTY = 'https://acme.pagerduty.com';
export const ALERTMANAGER = 'http://alertmanager.acme.internal:9093';
export const PROMETHEUS = 'http://prometheus.acme.internal:9090';
export const KIBANA = 'https://kibana.acme.internal';
export const JIRA = 'https://acme.atlassian.net';
export const GITHUB = 'https://github.com';
export const SLACK = 'https://acme.slack.com';
export const RUNDECK = 'https://rundeck.acme.internal';

export const links = {
  incident: (id: string) => `${PAGERDUTY}/incidents/${encodeURIComponent(id)}`,
  timelineEntry: (incidentId: string, entryId: string) =>
    `${PAGERDUTY}/incidents/${encodeURIComponent(incidentId)}/log_entries/${encodeURIComponent(entryId)}`,
  service: (id: string) => `${PAGERDUTY}/service-directory/${encodeURIComponent(id)}`,
  team: (id: string) => `${PAGERDUTY}/teams/${encodeURIComponent(id)}`,
  user: (id: string) => `${PAGERDUTY}/users/${encodeURIComponent(id)}`,
  alert: (labels: Record<string, string>) => {
    const matchers = Object.entries(labels)
      .map(([name, value]) => `${name}=${promString(value)}`)
      .join(',');
    return `${ALERTMANAGER}/#/alerts?silenced=true&inhibited=true&filter=${encodeURIComponent(`{${matchers}}`)}`;
  },
  ticket: (key: string) => `${JIRA}/browse/${encodeURIComponent(key)}`,
  deployment: (repository: string, runId: string) =>
    `${GITHUB}/${repository}/actions/runs/${encodeURIComponent(runId)}`,
  message: (channelId: string, ts: string) => `${SLACK}/archives/${channelId}/p${ts.replace('.', '')}`,
  plan: (id: string) => `${RUNDECK}/project/ops/job/show/${encodeURIComponent(id)}`,
  run: (id: string) => `${RUNDECK}/project/ops/execution/show/${encodeURIComponent(id)}`,
  prometheusGraph: (expr: string, rangeSeconds: number, endIso: string, stepSeconds: number) => {
    const params = new URLSearchParams({
      'g0.expr': expr,
      'g0.tab': '0',
      'g0.range_input': promDuration(rangeSeconds),
      'g0.end_input': endIso,
      'g0.step_input': String(stepSeconds),
    });
    return `${PROMETHEUS}/graph?${params.toString()}`;
  },
};

/** A PromQL / Alertmanager double-quoted string literal, escaped so user input stays a literal. */
export function promString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** Prometheus duration syntax, using the largest unit that divides the span exactly. */
export function promDuration(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  for (const [unit, size] of [
    ['w', 604800],
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (s % size === 0) return `${s / size}${unit}`;
  }
  return `${s}s`;
}
