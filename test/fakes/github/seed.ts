/** A repository with a history: issues (and pull requests), deployments with statuses, runs, teams. */
import type { GitHubFake } from './server.js';

export const INCIDENT = 'PINC42';
const DAY = 86_400_000;

export function seedGitHub(fake: GitHubFake, now = Date.now()): void {
  const at = (ms: number) => new Date(now - ms).toISOString();
  for (let n = 1; n <= 130; n++) {
    const closed = n % 3 === 0;
    fake.issues.push({
      number: n,
      title: n % 7 === 0 ? `Pull request ${n}` : `Checkout issue ${n}${n % 10 === 1 ? ' timeout at payment step' : ''}`,
      body: n % 5 === 0 ? 'Customers see a spinner forever' : `Details of ${n}`,
      state: closed ? 'closed' : 'open',
      state_reason: closed ? (n % 2 === 0 ? 'not_planned' : 'completed') : null,
      labels: [
        ...(n % 4 === 0 ? ['priority: high'] : n % 4 === 1 ? ['P3'] : []),
        ...(n % 11 === 0 ? [`opsorch-incident-${INCIDENT}`] : []),
        ...(n % 13 === 0 ? ['secret'] : []),
      ],
      assignees: n % 2 === 0 ? ['alice'] : n % 5 === 0 ? ['bob'] : [],
      user: 'carol',
      created_at: at((131 - n) * 3_600_000),
      updated_at: at((131 - n) * 3_600_000 - 60_000),
      ...(n % 7 === 0 ? { pull_request: true } : {}),
    });
  }
  const states = ['success', 'failure', 'in_progress', 'success', 'error', 'pending'];
  for (let n = 1; n <= 30; n++) {
    const created = now - ((31 - n) * DAY) / 4;
    const state = states[n % states.length] as string;
    fake.deployments.push({
      id: 5000 + n,
      sha: `${n.toString(16).padStart(2, '0')}c0ffee1234567890abcdef12345678900dead`,
      ref: `v1.${n}.0`,
      environment: n % 3 === 0 ? 'staging' : 'production',
      creator: n % 2 === 0 ? 'alice' : 'deploy-bot',
      created_at: new Date(created).toISOString(),
      description: `Release v1.${n}.0`,
      statuses: [
        {
          id: 90000 + n * 10,
          state: 'queued',
          created_at: new Date(created + 1000).toISOString(),
          description: 'queued',
          log_url: '',
        },
        ...(state === 'pending'
          ? []
          : [
              {
                id: 90000 + n * 10 + 1,
                state,
                created_at: new Date(created + 120_000).toISOString(),
                description: `Deploy ${state}`,
                log_url: `https://github.com/acme/checkout/actions/runs/${7000 + n}`,
              },
            ]),
      ],
    });
  }
  const conclusions: [string, string | null][] = [
    ['completed', 'success'],
    ['completed', 'failure'],
    ['in_progress', null],
    ['completed', 'cancelled'],
    ['queued', null],
  ];
  for (let n = 1; n <= 12; n++) {
    const [status, conclusion] = conclusions[n % conclusions.length] as [string, string | null];
    fake.runs.push({
      id: 880000 + n,
      name: n % 2 === 0 ? 'Deploy to production' : 'Deploy staging',
      head_branch: 'main',
      head_sha: `${n.toString(16).padStart(2, '0')}aa11bb22cc33dd44ee55ff66778899aabbcc`,
      status: status as 'queued' | 'in_progress' | 'completed',
      conclusion,
      created_at: new Date(now - (13 - n) * 3_600_000).toISOString(),
      updated_at: new Date(now - (13 - n) * 3_600_000 + 300_000).toISOString(),
      actor: 'deploy-bot',
    });
  }
  fake.teams.push(
    {
      id: 11,
      slug: 'payments',
      name: 'Payments',
      description: 'Checkout and payments',
      members: [
        { login: 'alice', role: 'maintainer' },
        ...Array.from({ length: 120 }, (_, i) => ({
          login: `payer${String(i).padStart(3, '0')}`,
          role: 'member' as const,
        })),
      ],
    },
    {
      id: 12,
      slug: 'platform',
      name: 'Platform',
      description: 'Infrastructure',
      members: [
        { login: 'bob', role: 'maintainer' },
        { login: 'dave', role: 'member' },
      ],
    },
    { id: 13, slug: 'edge', name: 'Edge', description: 'CDN and edge', members: [{ login: 'erin', role: 'member' }] },
  );
}
