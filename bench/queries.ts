/** The GraphQL documents the bench sends: what a console's pages ask for. */

/** Everything the incident page of a console shows, in one request. */
export const INCIDENT_PAGE = /* GraphQL */ `
  query IncidentPage($id: ID!) {
    incident(id: $id) {
      id title description status severity createdAt resolvedAt assignees url
      window { start end }
      service {
        name tier environment url
        team { name members { name email role onCall onCallRole } }
      }
      team { name handle onCall { name handle onCallRole } }
      timeline(first: 50) { totalCount edges { node { kind body actor at } } }
      alerts(first: 20) {
        totalCount
        edges { node { id title status severity startsAt endsAt labels url service { name tier } } }
      }
      tickets(first: 20) {
        totalCount
        edges { node { key title status priority assignee url incidents { id title status } service { name } } }
      }
      deployments(first: 20) { totalCount edges { node { version status startedAt author commit service { name } } } }
      metrics(names: ["http_requests_total", "http_errors_total", "http_request_duration_seconds"]) {
        name labels unit points { timestamp value }
      }
      logs(limit: 50) { truncated entries { timestamp level message service } }
    }
  }
`;

/** The console's incident list: ten incidents, each with what its row shows. */
export const INCIDENT_LIST_PAGE = /* GraphQL */ `
  query IncidentListPage {
    incidents(first: 10) {
      edges { node {
        id title status severity createdAt assignees
        service { name tier }
        team { name onCall { name } }
        alerts(first: 5) { totalCount edges { node { title status severity } } }
        tickets(first: 5) { totalCount edges { node { key status } } }
        deployments(first: 3) { edges { node { version status } } }
      } }
    }
  }
`;

/** Finds incidents with the most alerts and tickets, to pick a page worth measuring. */
export const PAGE_CANDIDATES = /* GraphQL */ `
  query PageCandidates($after: String) {
    incidents(first: 100, after: $after) {
      edges { cursor node { id alerts(first: 1) { totalCount } tickets(first: 1) { totalCount } } }
    }
  }
`;

const LIST_FIELDS = 'id title status severity createdAt service { name tier team { name } }';

/** A typical list query: one page of incidents with service and team. */
export const INCIDENT_LIST = /* GraphQL */ `
  query IncidentList {
    incidents(first: 20) { totalCount edges { node { ${LIST_FIELDS} } } }
  }
`;

/** The first `first` incidents of a console's list, as much of each as an incident is opened from. */
export const listedIncidents = (first: number) =>
  `{ incidents(first: ${first}) { edges { node { id title status severity } } } }`;

export const CURSORS = /* GraphQL */ `
  query Cursors($after: String) {
    incidents(first: 100, after: $after) { edges { cursor } }
  }
`;

/**
 * `count` incidents with nested service and team in one query: pages of at most 100 (the
 * connection limit) as aliases, after the cursors the server issued.
 */
export function incidentsQuery(count: number, cursors: readonly (string | null)[]): string {
  const pages: string[] = [];
  for (let i = 0; i * 100 < count; i++) {
    const first = Math.min(100, count - i * 100);
    const after = cursors[i];
    if (after === undefined) throw new Error(`no cursor for page ${i}`);
    pages.push(
      `p${i}: incidents(first: ${first}${after ? `, after: ${JSON.stringify(after)}` : ''}) { edges { node { ${LIST_FIELDS} } } }`,
    );
  }
  return `query Incidents${count} { ${pages.join('\n')} }`;
}

/** What OpsOrch Core's incident record carries, asked of the gateway. */
const CORE_INCIDENT_FIELDS =
  'id title description status severity rawStatus rawSeverity createdAt updatedAt url fields metadata';

/** One page of incidents under one filter (a GraphQL input literal), as Core's `POST /incidents/query` answers it. */
export function coreIncidentList(filter: string, first: number): string {
  return `query CoreIncidentList { incidents(first: ${first}, filter: ${filter}) { edges { node { ${CORE_INCIDENT_FIELDS} } } } }`;
}

/**
 * The incident page with what Core's ten REST calls answer: the incident, its timeline, service,
 * team and members, alerts, tickets, deployments, one metric and logs. The metric at Core's step (60 s),
 * not the gateway's default (about 240 points over the window), so both pages read and show the same points.
 * Alerts, tickets and deployments are the service's first 20, as Core's console asks them
 * (`scope: { service }, limit: 20`): the incident's own tickets are read unscoped from the plugin
 * (every ticket, then those linked), and its deployments are those of the 24 hours before it.
 */
export const CORE_INCIDENT_PAGE = /* GraphQL */ `
  query CoreIncidentPage($id: ID!) {
    incident(id: $id) {
      ${CORE_INCIDENT_FIELDS}
      timeline(first: 50) { edges { node { id kind body actor at } } }
      service {
        id name tier environment url
        alerts(first: 20) { edges { node { id title status severity startsAt url } } }
        tickets(first: 20) { edges { node { id key title status priority assignee url } } }
        deployments(first: 20) { edges { node { id version status startedAt author commit } } }
      }
      team { id name handle members { name email role } }
      metrics(names: ["http_request_duration_seconds"], step: 60) { name labels unit points { timestamp value } }
      logs(limit: 50) { truncated entries { timestamp level message service } }
    }
  }
`;
