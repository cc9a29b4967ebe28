/**
 * A console's session, as a small program: list the open incidents page by page (`fetchMore`, the
 * cache merging the pages), open the first one, watch its timeline, append a note and see it come
 * back over the subscription.
 *
 *   OPSORCH_URL=http://127.0.0.1:4000/graphql OPSORCH_TOKEN=oog_… npx tsx examples/apollo-client/console.ts
 */
import { pathToFileURL } from 'node:url';
import type { ApolloClient } from '@apollo/client';
import { filter, firstValueFrom, map } from 'rxjs';
import WebSocket from 'ws';
import { createConsoleClient } from './client.js';
import {
  IncidentPageDocument,
  NoteDocument,
  OpenIncidentsDocument,
  type OpenIncidentsQuery,
  WatchTimelineDocument,
} from './generated/graphql.js';

export interface ConsoleOptions {
  /** Incidents per page of the list. */
  pageSize: number;
  /** Stop paging after this many pages, whatever is left. */
  maxPages: number;
  /** The note to append to the first open incident. */
  note: string;
}

export interface ConsoleSession {
  openIncidents: {
    totalCount: number | null;
    pages: number;
    /** The list as the cache holds it after the last page: every page merged, in order. */
    listed: { id: string; title: string; status: string }[];
  };
  incident: { id: string; title: string; status: string; service: string | null; timelineEntries: number };
  note: { id: string; body: string };
  /** The note as the timeline subscription delivered it. */
  received: { id: string; kind: string; body: string; actor: string | null };
}

type OpenIncident = NonNullable<OpenIncidentsQuery['incidents']>['nodes'][number];

export async function runConsole(client: ApolloClient, options: ConsoleOptions): Promise<ConsoleSession> {
  // The home view: the first page, then `fetchMore` for the next ones; the cache appends each page.
  const list = client.watchQuery({ query: OpenIncidentsDocument, variables: { first: options.pageSize } });
  const complete = list.pipe(
    map((result) => {
      if (result.error) throw result.error;
      return result;
    }),
    filter((result) => result.dataState === 'complete'),
    map((result) => result.data.incidents),
  );
  let page = await firstValueFrom(complete);
  let pages = 1;
  while (page?.pageInfo.hasNextPage && pages < options.maxPages) {
    const more = await list.fetchMore({ variables: { after: page.pageInfo.endCursor } });
    pages += 1;
    page = more.data?.incidents;
  }
  // What the list shows now: read from the cache, where the pages were merged into one list.
  const merged = client.readQuery({ query: OpenIncidentsDocument, variables: { first: options.pageSize } })?.incidents;
  const listed: OpenIncident[] = merged?.nodes ?? [];
  const first = listed[0];
  if (!first) throw new Error('no open incident to open');

  // The incident page in one round trip.
  const { data } = await client.query({ query: IncidentPageDocument, variables: { id: first.id } });
  const incident = data?.incident;
  if (!incident) throw new Error(`incident ${first.id} not found`);
  const timeline = incident.timeline?.nodes ?? [];

  // Watch the timeline from its newest entry on (`since` replays whatever appears before the
  // subscription is live, so the note below cannot slip between the two), then append a note.
  const since = [incident.createdAt, ...timeline.map((entry) => entry.at)].sort().at(-1);
  const entries = client.subscribe({ query: WatchTimelineDocument, variables: { id: incident.id, since } });
  const delivered = firstValueFrom(
    entries.pipe(
      map((result) => {
        if (result.error) throw result.error;
        return result.data?.incidentTimelineUpdated;
      }),
      filter((entry) => entry !== undefined && entry.body === options.note),
    ),
  );
  const noted = await client.mutate({ mutation: NoteDocument, variables: { id: incident.id, body: options.note } });
  const payload = noted.data?.incidentTimelineAppend;
  if (!payload?.entry) throw new Error(`note refused: ${JSON.stringify(payload?.userErrors ?? noted.error)}`);
  const received = (await delivered)!;

  return {
    openIncidents: {
      totalCount: merged?.totalCount ?? null,
      pages,
      listed: listed.map(({ id, title, status }) => ({ id, title, status })),
    },
    incident: {
      id: incident.id,
      title: incident.title,
      status: incident.status,
      service: incident.service?.name ?? null,
      timelineEntries: timeline.length,
    },
    note: { id: payload.entry.id, body: payload.entry.body },
    received: { id: received.id, kind: received.kind, body: received.body, actor: received.actor ?? null },
  };
}

async function main(): Promise<void> {
  const url = process.env.OPSORCH_URL ?? 'http://127.0.0.1:4000/graphql';
  const token = process.env.OPSORCH_TOKEN;
  const { client, dispose } = createConsoleClient({ url, token: () => token, webSocketImpl: WebSocket });
  try {
    const session = await runConsole(client, {
      pageSize: Number(process.env.PAGE_SIZE ?? 5),
      maxPages: 10,
      note: `Console kit check at ${new Date().toISOString()}`,
    });
    const { openIncidents, incident, received } = session;
    console.log(
      `${openIncidents.listed.length} of ${openIncidents.totalCount} open incidents in ${openIncidents.pages} page(s)`,
    );
    for (const { status, title } of openIncidents.listed) console.log(`  ${status.padEnd(12)} ${title}`);
    console.log(
      `opened "${incident.title}" (${incident.service ?? 'no service'}), ${incident.timelineEntries} entries`,
    );
    console.log(`timeline subscription delivered ${received.kind} by ${received.actor ?? 'unknown'}: ${received.body}`);
    console.log(JSON.stringify(session));
  } finally {
    await dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
