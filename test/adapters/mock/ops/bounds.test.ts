/**
 * The mock world keeps bounded what is written to it (`npm start` serves it to anyone who can reach
 * the gateway): timelines keep their newest entries, and incidents, tickets, runs and `fields`
 * keys past their bounds are refused with a message that says why, the world unchanged; the live
 * timer goes on with the incidents a full world has.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdapterError, type CapabilityMap, LIST_ORDERS } from '../../../../adapters/contract/index.js';
import { createMockAdapter } from '../../../../adapters/mock/index.js';
import { WORLD_BOUNDS } from '../../../../adapters/mock/ops/bounds.js';
import { list, type MockHandle, mock, NOW, ok, silentLogger, walk } from '../helpers.js';

let h: MockHandle;
beforeEach(async () => {
  h = await mock();
});
afterEach(async () => {
  await h.adapter.close?.();
});

async function refusal(write: () => Promise<unknown>): Promise<AdapterError> {
  const error = await write().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(AdapterError);
  return error as AdapterError;
}

describe("the mock world's bounds", () => {
  it("keeps an incident's newest timeline entries past the bound", async () => {
    const [incident] = await list(h.caps.incident.query, {});
    const id = incident?.id as string;
    const past = WORLD_BOUNDS.timelineEntries + 10;
    for (let i = 0; i < past; i++) await h.caps.incident.appendTimeline(id, { kind: 'NOTE', body: `note ${i}` }, {});
    const timeline = ok((await h.caps.incident.timelines([id], {}))[0]);
    expect(timeline).toHaveLength(WORLD_BOUNDS.timelineEntries);
    // Newest first: the last note written, down to the oldest kept.
    expect(timeline[0]?.body).toBe(`note ${past - 1}`);
    expect(timeline.at(-1)?.body).toBe(`note ${past - WORLD_BOUNDS.timelineEntries}`);
  });

  it('refuses an incident past the bound, and creates none', async () => {
    const held = (await list(h.caps.incident.query, {})).length;
    for (let i = held; i < WORLD_BOUNDS.incidents; i++) await h.caps.incident.create({ title: `filler ${i}` }, {});
    const error = await refusal(() => h.caps.incident.create({ title: 'one too many' }, {}));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toBe(
      `the mock world holds its limit of ${WORLD_BOUNDS.incidents} incidents; restart the gateway for a fresh world`,
    );
    const [page] = await h.caps.incident.query([{ first: 1 }], {});
    expect(ok(page).totalCount).toBe(WORLD_BOUNDS.incidents);
  });

  it('lets the live timer go on with the incidents it has once the world is full', async () => {
    const warnings: unknown[] = [];
    const live = await createMockAdapter(
      { now: NOW, live: true, liveIntervalMs: 1 },
      { name: 'mock', logger: { ...silentLogger, warn: (...args: unknown[]) => warnings.push(args) } },
    );
    const caps = live.capabilities as CapabilityMap;
    try {
      const held = (await list(caps.incident.query, {})).length;
      for (let i = held; i < WORLD_BOUNDS.incidents; i++) await caps.incident.create({ title: `filler ${i}` }, {});
      // With fewer than three open incidents a tick may open one; with none, a tick does nothing
      // anyone can see. Two stay open, so every tick shows.
      const open = await walk(
        caps.incident.query,
        { statuses: ['TRIGGERED', 'ACKNOWLEDGED', 'MITIGATED'] },
        100,
        LIST_ORDERS.incidents,
      );
      const kept = open.slice(0, 2).map((i) => i.id);
      for (const incident of open.slice(2)) await caps.incident.update(incident.id, { status: 'RESOLVED' }, {});

      const touched: string[] = [];
      const ticked = new Promise<void>((resolve) =>
        live.onEvent?.((event) => {
          if (event.type === 'timeline.appended') touched.push(event.entry.incidentId);
          else if (event.type === 'incident.updated') touched.push(event.incident.id);
          if (touched.length === 20) resolve();
        }),
      );
      await ticked;
      // A tick that tried to open an incident in a full world would have failed, and said so.
      expect(warnings).toEqual([]);
      expect(touched.filter((id) => !kept.includes(id))).toEqual([]);
      const [page] = await caps.incident.query([{ first: 1 }], {});
      expect(ok(page).totalCount).toBe(WORLD_BOUNDS.incidents);
    } finally {
      await live.close?.();
    }
  });

  it('refuses a ticket and a run past their bounds', async () => {
    const tickets = (await list(h.caps.ticket.query, {})).length;
    for (let i = tickets; i < WORLD_BOUNDS.tickets; i++) await h.caps.ticket.create({ title: `filler ${i}` }, {});
    expect((await refusal(() => h.caps.ticket.create({ title: 'one too many' }, {}))).message).toContain(
      `limit of ${WORLD_BOUNDS.tickets} tickets`,
    );
    const [plan] = await list(h.caps.orchestration.queryPlans, {});
    const runs = (await list(h.caps.orchestration.queryRuns, {})).length;
    for (let i = runs; i < WORLD_BOUNDS.runs; i++)
      await h.caps.orchestration.startRun({ planId: plan?.id as string }, {});
    expect((await refusal(() => h.caps.orchestration.startRun({ planId: plan?.id as string }, {}))).message).toContain(
      `limit of ${WORLD_BOUNDS.runs} runs`,
    );
  });

  it('refuses fields past their bound of keys, the record unchanged by the rest of the update', async () => {
    const [incident] = await list(h.caps.incident.query, {});
    const id = incident?.id as string;
    const held = Object.keys(incident?.fields ?? {}).length;
    const fields = Object.fromEntries(Array.from({ length: WORLD_BOUNDS.fields - held + 1 }, (_, i) => [`k${i}`, i]));
    const error = await refusal(() => h.caps.incident.update(id, { title: 'renamed', fields }, {}));
    expect(error.message).toBe(
      `fields would hold ${WORLD_BOUNDS.fields + 1} keys; the mock keeps at most ${WORLD_BOUNDS.fields}`,
    );
    const again = ok((await h.caps.incident.getMany([id], {}))[0]);
    expect(Object.keys(again.fields ?? {})).toHaveLength(held);
    expect(again.title).toBe(incident?.title);
  });
});
