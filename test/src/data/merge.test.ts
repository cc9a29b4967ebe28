/** Merging providers' pages by key: order, ties, totals, and paging while records come and go. */
import { describe, expect, it } from 'vitest';
import { type Incident, keysetPage, LIST_ORDERS, type Page, positionOf } from '../../../adapters/contract/index.js';
import { mergePages, type Position, positionsFor } from '../../../src/data/merge.js';

type Rec = Incident & { provider: string };
const ORDER = LIST_ORDERS.incidents;

const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString();
const rec = (provider: string, id: string, minute: number): Rec => ({
  provider,
  id,
  createdAt: at(minute),
  title: id,
  status: 'TRIGGERED',
  severity: 'HIGH',
  assignees: [],
  url: null,
});

/** What the floor does for one page: each provider's page after its position, merged. */
function mergedPage(lists: Record<string, Rec[]>, first: number, after?: Position): Page<Rec> {
  const providers = Object.keys(lists);
  const positions = positionsFor(after, providers);
  const pages = providers.map((provider, i) => {
    const position = positions[i];
    return keysetPage<Rec>(lists[provider] as Rec[], position ? { first, after: position } : { first }, ORDER);
  });
  return mergePages(pages, first, ORDER);
}

const positionAfter = (record: Rec): Position => ({ provider: record.provider, ...positionOf(ORDER, record) });

describe('positionsFor', () => {
  it('asks every provider for its first page without a cursor', () => {
    expect(positionsFor(undefined, ['a', 'b'])).toEqual([undefined, undefined]);
  });

  it("resumes the cursor's provider after its record, others before or after its key by name", () => {
    const after = { provider: 'b', key: at(5), id: 'x' };
    expect(positionsFor(after, ['a', 'b', 'c'])).toEqual([
      { key: at(5) },
      { key: at(5), id: 'x' },
      { key: at(5), id: '' },
    ]);
  });

  it('rejects a cursor from a provider that does not serve the list', () => {
    expect(() => positionsFor({ provider: 'mars', key: at(1), id: 'x' }, ['a', 'b'])).toThrow(/another list/);
  });
});

describe('mergePages', () => {
  it('merges newest first, ties by provider then ID, with the total of all providers', () => {
    const page = mergedPage(
      {
        b: [rec('b', 'b1', 5), rec('b', 'b2', 3)],
        a: [rec('a', 'a2', 5), rec('a', 'a1', 5), rec('a', 'a3', 1)],
      },
      10,
    );
    expect(page.nodes.map((r) => r.id)).toEqual(['a1', 'a2', 'b1', 'b2', 'a3']);
    expect(page).toMatchObject({ hasNextPage: false, totalCount: 5 });
  });

  it("keeps one provider's page as it is when in order, and puts it in order when not", () => {
    const inOrder = [rec('a', 'a1', 9), rec('a', 'a2', 9), rec('a', 'a3', 2)];
    const page = (nodes: Rec[]): Page<Rec> => ({ nodes, hasNextPage: false, totalCount: nodes.length });
    expect(mergePages([page(inOrder)], 2, ORDER).nodes).toEqual(inOrder.slice(0, 2));
    const shuffled = [rec('a', 'a3', 2), rec('a', 'a2', 9), rec('a', 'a1', 9)];
    expect(mergePages([page(shuffled)], 3, ORDER).nodes.map((r) => r.id)).toEqual(['a1', 'a2', 'a3']);
  });

  it("checks one provider's page by key, then by ID among equal keys and unreadable timestamps", () => {
    const page = (nodes: Rec[]): Page<Rec> => ({ nodes, hasNextPage: false, totalCount: nodes.length });
    const ids = (nodes: Rec[]) => mergePages([page(nodes)], 10, ORDER).nodes.map((r) => r.id);
    const unreadable = (id: string): Rec => ({ ...rec('a', id, 0), createdAt: 'not a time' });
    const inOrder = [rec('a', 'a1', 9), rec('a', 'a2', 9), unreadable('x1'), unreadable('x2')];
    expect(mergePages([page(inOrder)], 10, ORDER).nodes).toEqual(inOrder);
    expect(ids([rec('a', 'a2', 9), rec('a', 'a1', 9)])).toEqual(['a1', 'a2']);
    expect(ids([rec('a', 'a1', 1), rec('a', 'a2', 9)])).toEqual(['a2', 'a1']);
    expect(ids([unreadable('x1'), rec('a', 'a1', 1)])).toEqual(['a1', 'x1']);
    expect(ids([rec('a', 'a1', 1), unreadable('x2'), unreadable('x1')])).toEqual(['a1', 'x1', 'x2']);
  });

  it('says more follow when any provider has more, the total is unknown when one cannot tell, and the list may go on when one says so', () => {
    const pages: Page<Rec>[] = [
      { nodes: [rec('a', 'a1', 9)], hasNextPage: true, totalCount: null },
      { nodes: [rec('b', 'b1', 8)], hasNextPage: false, totalCount: 1, incomplete: true },
    ];
    expect(mergePages(pages, 5, ORDER)).toMatchObject({ hasNextPage: true, totalCount: null, incomplete: true });
    expect(mergePages(pages.slice(0, 1), 5, ORDER).incomplete).toBe(false);
    expect(mergePages(pages, 1, ORDER).nodes.map((r) => r.id)).toEqual(['a1']);
  });

  it('walks to the end in pages, ties across providers included, without gaps or repeats', () => {
    const lists = {
      a: Array.from({ length: 9 }, (_, i) => rec('a', `a${i}`, i % 4)),
      b: Array.from({ length: 7 }, (_, i) => rec('b', `b${i}`, i % 3)),
    };
    const whole = mergedPage(lists, 100).nodes.map((r) => r.id);
    const walked: string[] = [];
    let after: Position | undefined;
    for (;;) {
      const page = mergedPage(lists, 3, after);
      walked.push(...page.nodes.map((r) => r.id));
      if (!page.hasNextPage) break;
      after = positionAfter(page.nodes.at(-1) as Rec);
    }
    expect(walked).toEqual(whole);
  });

  it('neither repeats nor skips when records are created and removed in both providers between pages', () => {
    const lists: Record<string, Rec[]> = {
      a: Array.from({ length: 10 }, (_, i) => rec('a', `a${i}`, 10 + i * 2)),
      b: Array.from({ length: 10 }, (_, i) => rec('b', `b${i}`, 11 + i * 2)),
    };
    const before = mergedPage(lists, 100).nodes.map((r) => r.id);
    const removedUnseen: string[] = [];
    const walked: string[] = [];
    let after: Position | undefined;
    for (let n = 0; n < 50; n++) {
      const page = mergedPage(lists, 3, after);
      walked.push(...page.nodes.map((r) => r.id));
      if (!page.hasNextPage) break;
      after = positionAfter(page.nodes.at(-1) as Rec);
      // New records on top of both lists, one seen record gone, one not yet seen gone.
      lists.a?.push(rec('a', `new-a${n}`, 50 + n));
      lists.b?.push(rec('b', `new-b${n}`, 50 + n));
      const seen = page.nodes[0] as Rec;
      lists[seen.provider] = (lists[seen.provider] as Rec[]).filter((r) => r.id !== seen.id);
      const unseen = before[before.indexOf((page.nodes.at(-1) as Rec).id) + 2];
      if (unseen) {
        removedUnseen.push(unseen);
        for (const p of ['a', 'b']) lists[p] = (lists[p] as Rec[]).filter((r) => r.id !== unseen);
      }
    }
    expect(removedUnseen.length).toBeGreaterThan(2);
    expect(walked).toEqual(before.filter((id) => !removedUnseen.includes(id)));
  });
});
