/**
 * The mock world's weekly on-call rotation through the whole gateway: who is on call until the
 * Monday 09:00 UTC handoff, who takes over then, and what the gateway answers once the world's
 * clock has passed the handoff. Expectations come from the generated world itself (same seed and
 * anchor), and the generated roster is what the anchor's week shows.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TeamMember } from '../../../adapters/contract/index.js';
import { createMockAdapter } from '../../../adapters/mock/index.js';
import { buildWorld } from '../../../adapters/mock/world/index.js';
import type { TeamRecord } from '../../../adapters/mock/world/teams.js';
import { CACHE_OFF } from '../../../src/data/read-cache.js';
import { startTestGateway, type TestGateway, testLogger } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';

const WEEK = 7 * 86_400_000;
const HANDOFF = Date.parse('2026-11-23T09:00:00.000Z');
/** The world starts this long before the handoff; its clock moves only when the test moves it. */
const LEAD_MS = 4000;
const ANCHOR = new Date(HANDOFF - LEAD_MS).toISOString();

let gateway: TestGateway;
const world = buildWorld({ seed: 42, anchor: Date.parse(ANCHOR) });

interface TeamsAnswer {
  teams: {
    nodes: {
      name: string;
      onCall: { name: string; onCallRole: string; onCallUntil: string | null }[];
      nextOnCall: { member: { name: string }; role: string; start: string; end: string }[];
    }[];
  };
}
const TEAMS = `{ teams(first: 100) { nodes {
  name
  onCall { name onCallRole onCallUntil }
  nextOnCall { member { name } role start end }
} } }`;

/** Who holds each position `weeks` after the anchor's week: the generated holder, stepped through the non-lead members. */
function holders(record: TeamRecord, weeks: number): { role: string; name: string }[] {
  const lead = record.members[0] as TeamMember;
  const pool = lead.onCallRole ? record.members : record.members.slice(1);
  return record.members
    .filter((m) => m.onCallRole)
    .sort((a, b) => (a.onCallRole === 'primary' ? -1 : b.onCallRole === 'primary' ? 1 : 0))
    .map((m) => ({
      role: m.onCallRole as string,
      name: pool[(pool.indexOf(m) + weeks) % pool.length]?.name as string,
    }));
}

const byName = (data: TeamsAnswer, name: string) => data.teams.nodes.find((t) => t.name === name);
/** `Team.onCall` lists people in team order; positions compare primary first. */
const primaryFirst = <T extends { onCallRole: string }>(list: readonly T[] | undefined): T[] =>
  [...(list ?? [])].sort((a, b) => (a.onCallRole === 'primary' ? -1 : b.onCallRole === 'primary' ? 1 : 0));

beforeAll(async () => {
  // The world's clock follows the one Date reads: stopped (timers stay real), the answers before
  // the handoff come before it however slow the machine.
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
  const adapter = await createMockAdapter({ seed: 42, now: ANCHOR }, { name: 'mock', logger: testLogger });
  // Without the read cache: an on-call answer is cached until its `onCallUntil`, a time of the world's
  // clock, which this test moves past the handoff while the wall clock stays where it was.
  gateway = await startTestGateway([{ name: 'mock', adapter }], { cache: CACHE_OFF });
});
afterAll(async () => {
  vi.useRealTimers();
  await gateway?.stop();
});

describe('the mock weekly on-call rotation', () => {
  it('keeps the generated roster on call until the handoff, and names who takes over then, for every team', async () => {
    const data = await gqlData<TeamsAnswer>(gateway.url, TEAMS);
    expect(data.teams.nodes).toHaveLength(world.teams.length);
    for (const record of world.teams) {
      const team = byName(data, record.team.name);
      expect(primaryFirst(team?.onCall)).toEqual(
        holders(record, 0).map((h) => ({
          name: h.name,
          onCallRole: h.role,
          onCallUntil: new Date(HANDOFF).toISOString(),
        })),
      );
      // The same people the generated roster puts on call (other tests and incidents rely on it).
      expect(team?.onCall.map((m) => m.name).sort()).toEqual(
        record.members
          .filter((m) => m.onCallRole)
          .map((m) => m.name)
          .sort(),
      );
      expect(team?.nextOnCall).toEqual(
        holders(record, 1).map((h) => ({
          member: { name: h.name },
          role: h.role,
          start: new Date(HANDOFF).toISOString(),
          end: new Date(HANDOFF + WEEK).toISOString(),
        })),
      );
      // Every next holder is someone else: the rotation moves.
      for (const [i, next] of (team?.nextOnCall ?? []).entries())
        expect(next.member.name).not.toBe(primaryFirst(team?.onCall)[i]?.name);
    }
  });

  it('puts the next holders on call once the world clock passes the handoff', async () => {
    const before = await gqlData<TeamsAnswer>(gateway.url, TEAMS);
    // What is under test is the passing of the handoff in the world's own clock, which started
    // LEAD_MS before it: move the clock past that moment.
    vi.setSystemTime(Date.now() + LEAD_MS + 50);
    const after = await gqlData<TeamsAnswer>(gateway.url, TEAMS);
    for (const record of world.teams) {
      const was = byName(before, record.team.name);
      const now = byName(after, record.team.name);
      expect(primaryFirst(now?.onCall).map((m) => ({ name: m.name, onCallRole: m.onCallRole }))).toEqual(
        was?.nextOnCall.map((s) => ({ name: s.member.name, onCallRole: s.role })),
      );
      expect(now?.onCall.every((m) => m.onCallUntil === new Date(HANDOFF + WEEK).toISOString())).toBe(true);
      expect(now?.nextOnCall).toEqual(
        holders(record, 2).map((h) => ({
          member: { name: h.name },
          role: h.role,
          start: new Date(HANDOFF + WEEK).toISOString(),
          end: new Date(HANDOFF + 2 * WEEK).toISOString(),
        })),
      );
    }
  });
});
