/**
 * The slice of PagerDuty's REST API v2 the adapter reads: wire shapes and classic
 * `offset`/`limit`/`more` paging.
 */
import { type HttpClient, pageCounter, type QueryValue } from '../http/index.js';

/** The shared client with the bound on pages one listing follows (`maxPages`). */
export interface PagerDutyHttp extends HttpClient {
  readonly maxPages: number;
}

export interface PdReference {
  id: string;
  type: string;
  summary?: string;
  self?: string | null;
  html_url?: string | null;
}

export interface PdIncident {
  id: string;
  incident_number?: number;
  title: string;
  summary?: string;
  description?: string | null;
  status: string;
  urgency?: string;
  priority?: (PdReference & { name?: string }) | null;
  created_at: string;
  updated_at?: string | null;
  last_status_change_at?: string | null;
  resolved_at?: string | null;
  html_url?: string | null;
  incident_key?: string | null;
  service?: PdReference | null;
  teams?: PdReference[];
  assignments?: { at?: string; assignee: PdReference }[];
  acknowledgements?: { at: string; acknowledger: PdReference }[];
  escalation_policy?: PdReference | null;
  body?: { details?: string } | null;
}

export interface PdLogEntry {
  id: string;
  type: string;
  summary?: string;
  created_at: string;
  html_url?: string | null;
  agent?: PdReference | null;
  channel?: { type?: string; summary?: string } | null;
}

export interface PdNote {
  id: string;
  content: string;
  created_at: string;
  user?: PdReference | null;
}

export interface PdService {
  id: string;
  name: string;
  description?: string | null;
  status?: string;
  html_url?: string | null;
  teams?: PdReference[];
  escalation_policy?: PdReference | null;
}

export interface PdTeam {
  id: string;
  name: string;
  summary?: string;
  description?: string | null;
  html_url?: string | null;
}

export interface PdUser {
  id: string;
  name?: string;
  summary?: string;
  email?: string;
  html_url?: string | null;
  type: string;
}

export interface PdMember {
  user: PdUser;
  role?: string;
}

export interface PdOnCall {
  escalation_level: number;
  escalation_policy: PdReference;
  user: PdUser;
  schedule?: PdReference | null;
  start?: string | null;
  end?: string | null;
}

export interface PdPriority {
  id: string;
  name: string;
}

/** The largest page PagerDuty serves. */
export const MAX_LIMIT = 100;

export interface ListPage<T> {
  items: T[];
  offset: number;
  more: boolean;
}

/** One page of a classic-paginated list. */
export async function listPage<T>(
  http: HttpClient,
  path: string,
  key: string,
  query: Record<string, QueryValue>,
  offset: number,
  limit: number,
  signal?: AbortSignal,
): Promise<ListPage<T>> {
  const body = await http.get<Record<string, unknown>>(path, {
    query: { ...query, offset, limit },
    ...(signal ? { signal } : {}),
  });
  const items = Array.isArray(body?.[key]) ? (body[key] as T[]) : [];
  return { items, offset, more: body?.more === true };
}

/** Every record of a list, following `more` to the end, or TOO_MANY_PAGES past `maxPages`. */
export async function listAll<T>(
  http: PagerDutyHttp,
  path: string,
  key: string,
  query: Record<string, QueryValue>,
  signal?: AbortSignal,
): Promise<T[]> {
  const all: T[] = [];
  const nextPage = pageCounter('PagerDuty', path, http.maxPages);
  for (let offset = 0; ; ) {
    nextPage();
    const page = await listPage<T>(http, path, key, query, offset, MAX_LIMIT, signal);
    all.push(...page.items);
    if (!page.more || page.items.length === 0) return all;
    offset += page.items.length;
  }
}
