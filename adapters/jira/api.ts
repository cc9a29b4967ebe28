/** The slice of Jira Cloud's REST API v3 the adapter reads. */

export interface JiraUser {
  accountId: string;
  displayName?: string;
  emailAddress?: string;
  active?: boolean;
}

export interface JiraStatus {
  id?: string;
  name: string;
  statusCategory?: { key: string; name?: string };
}

export interface JiraIssue {
  id: string;
  key: string;
  self?: string;
  fields: {
    summary?: string;
    description?: unknown;
    status?: JiraStatus;
    priority?: { id?: string; name: string } | null;
    assignee?: JiraUser | null;
    reporter?: JiraUser | null;
    created?: string;
    updated?: string;
    labels?: string[];
    components?: { id?: string; name: string }[];
    issuetype?: { name: string };
    project?: { key: string };
  };
}

export interface JiraSearchResponse {
  issues?: JiraIssue[];
  nextPageToken?: string | null;
  isLast?: boolean;
}

export interface JiraTransition {
  id: string;
  name: string;
  to: JiraStatus;
}

/** The fields every read asks for; the rest of an issue is not needed. */
export const ISSUE_FIELDS = [
  'summary',
  'description',
  'status',
  'priority',
  'assignee',
  'reporter',
  'created',
  'updated',
  'labels',
  'components',
  'issuetype',
  'project',
];

export const ISSUE_KEY = /^[A-Z][A-Z0-9_]*-[1-9]\d*$/;
