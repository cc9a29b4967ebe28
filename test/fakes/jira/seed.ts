/**
 * A Jira site with an OPS project of 130 issues (more than two search pages), a few linked to
 * PagerDuty incidents by label, real ADF descriptions and `+0000`/`-0500` timestamps, and a
 * SECRET project the adapter must never reach.
 */
import { type FakeIssue, type JiraFake, jiraTimestamp } from './server.js';

export const OPS_ISSUES = 130;
const HOUR = 3_600_000;

export function seedJira(fake: JiraFake): void {
  fake.users.push(
    { accountId: '5b10a2844c20165700ede21g', displayName: 'Bob Ng', emailAddress: 'bob@acme.test' },
    { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Carol Diaz', emailAddress: 'carol@acme.test' },
  );
  const base = Date.parse('2025-11-21T10:00:00.000Z');
  const statuses = ['To Do', 'In Progress', 'Done', 'Blocked', "Won't Do"];
  for (let n = 1; n <= OPS_ISSUES; n++) {
    const created = base - (OPS_ISSUES - n) * HOUR;
    const issue: FakeIssue = {
      id: String(10_000 + n),
      key: `OPS-${n}`,
      project: 'OPS',
      summary: n === 7 ? 'Checkout latency follow-up' : `Chore ${n}`,
      description: {
        type: 'doc',
        version: 1,
        content: [{ type: 'paragraph', content: [{ type: 'text', text: `Routine task number ${n}.` }] }],
      },
      status: statuses[n % statuses.length] as string,
      priority: ['Highest', 'High', 'Medium', 'Low', 'Lowest'][n % 5] as string,
      assignee: n % 2 === 0 ? '5b10a2844c20165700ede21g' : null,
      reporter: '5b10ac8d82e05b22cc7d4ef5',
      // Jira renders times in the site's zone; some of ours are five hours behind UTC.
      created: n % 3 === 0 ? new Date(created - 5 * HOUR).toISOString().replace('Z', '-0500') : jiraTimestamp(created),
      updated: jiraTimestamp(created),
      labels: n === 7 || n === 9 ? ['opsorch-incident-PLONG01'] : [],
      components: n % 4 === 0 ? ['ledger'] : ['checkout-api'],
      issuetype: 'Task',
    };
    fake.issues.push(issue);
  }
  fake.issues.push({
    id: '20001',
    key: 'SECRET-1',
    project: 'SECRET',
    summary: 'Acquisition plans',
    description: null,
    status: 'To Do',
    priority: 'High',
    assignee: null,
    reporter: null,
    created: jiraTimestamp(base),
    updated: jiraTimestamp(base),
    labels: ['opsorch-incident-PLONG01'],
    components: ['checkout-api'],
    issuetype: 'Task',
  });
}
