/** The slice of GitHub's REST API the adapter reads. */

export interface GhUser {
  login: string;
  id?: number;
  html_url?: string;
  type?: string;
}

export interface GhLabel {
  name: string;
}

export interface GhIssue {
  id: number;
  number: number;
  title: string;
  body?: string | null;
  state: 'open' | 'closed';
  state_reason?: string | null;
  html_url: string;
  user?: GhUser | null;
  assignee?: GhUser | null;
  assignees?: GhUser[] | null;
  labels?: (GhLabel | string)[];
  milestone?: { title: string } | null;
  comments?: number;
  created_at: string;
  updated_at?: string | null;
  closed_at?: string | null;
  /** Present when the "issue" is a pull request: those are not tickets. */
  pull_request?: unknown;
}

export interface GhSearch<T> {
  total_count: number;
  incomplete_results: boolean;
  items: T[];
}

export interface GhDeployment {
  id: number;
  sha: string;
  ref: string;
  task?: string;
  environment: string;
  description?: string | null;
  creator?: GhUser | null;
  created_at: string;
  updated_at?: string | null;
  production_environment?: boolean;
  transient_environment?: boolean;
  payload?: unknown;
}

export interface GhDeploymentStatus {
  id: number;
  state: string;
  description?: string | null;
  environment?: string;
  target_url?: string | null;
  log_url?: string | null;
  environment_url?: string | null;
  created_at: string;
  creator?: GhUser | null;
}

export interface GhWorkflowRun {
  id: number;
  name?: string | null;
  display_title?: string;
  head_branch?: string | null;
  head_sha: string;
  run_number?: number;
  event?: string;
  status: string | null;
  conclusion: string | null;
  html_url: string;
  created_at: string;
  updated_at?: string | null;
  run_started_at?: string | null;
  actor?: GhUser | null;
  head_commit?: { message?: string } | null;
}

export interface GhTeam {
  id: number;
  slug: string;
  name: string;
  description?: string | null;
  privacy?: string;
  html_url?: string;
  parent?: { slug: string } | null;
}
