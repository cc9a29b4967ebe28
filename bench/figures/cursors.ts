/** The `after` cursors a server issues for pages of 100 incidents, so one query can ask for many pages. */
import { graphql } from '../lib/http.js';
import { CURSORS } from '../queries.js';

export async function pageCursors(url: string, pages: number): Promise<(string | null)[]> {
  const cursors: (string | null)[] = [null];
  while (cursors.length < pages) {
    const { data } = await graphql<{ incidents: { edges: { cursor: string }[] } }>(url, CURSORS, {
      after: cursors.at(-1),
    });
    const last = data.incidents.edges.at(-1);
    if (!last || data.incidents.edges.length < 100) throw new Error(`${url} has fewer than ${pages * 100} incidents`);
    cursors.push(last.cursor);
  }
  return cursors;
}
