/**
 * Who is on call until when, and who is next, from PagerDuty's on-calls, through the whole gateway
 * (read cache on, as in production) against a fake that computes on-calls from a schedule as
 * PagerDuty's `GET /oncalls` documents (`since`, `until`, `earliest`).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { toGlobalId } from '../../../src/graphql/ids.js';
import { seedPagerDuty } from '../../fakes/pagerduty/seed.js';
import { type FakeShift, type PagerDutyFake, startPagerDutyFake } from '../../fakes/pagerduty/server.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gqlData } from '../../helpers/graphql.js';
import { pagerDutyAdapterAt } from '../../helpers/pagerduty.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How long after the suite's clock stops the current primary's shift ends: the boundary the test moves it across. */
const HANDOFF_IN_MS = 4000;

let fake: PagerDutyFake;
let gateway: TestGateway;
let handoff: number;
let shifts: FakeShift[];

const pdTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const userName = (id: string) => fake.users.find((u) => u.id === id)?.name;

interface OnCallAnswer {
  team: {
    onCall: { name: string; onCallRole: string; onCallUntil: string | null }[];
    nextOnCall: { member: { name: string }; role: string; start: string; end: string | null }[];
  };
}
const ON_CALL = `query ($id: ID!) { team(id: $id) {
  onCall { name onCallRole onCallUntil }
  nextOnCall { member { name } role start end }
} }`;
const ask = (teamId: string) =>
  gqlData<OnCallAnswer>(gateway.url, ON_CALL, { id: toGlobalId('Team', 'pagerduty', teamId) });

/** The shift of `level` running at `at`, and the first one starting after it, from the schedule itself. */
function fromSchedule(level: number, at: number) {
  const ofLevel = shifts.filter((s) => s.level === level).sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const current = ofLevel.find((s) => Date.parse(s.start) <= at && Date.parse(s.end) > at) as FakeShift;
  const next = ofLevel.find((s) => Date.parse(s.start) > at) as FakeShift;
  return { current, next };
}

const onCallOf = (shift: FakeShift, role: string) => ({
  name: userName(shift.user_id),
  onCallRole: role,
  onCallUntil: shift.end.replace(/Z$/, '.000Z'),
});
const shiftOf = (shift: FakeShift, role: string) => ({
  member: { name: userName(shift.user_id) },
  role,
  start: shift.start.replace(/Z$/, '.000Z'),
  end: shift.end.replace(/Z$/, '.000Z'),
});

beforeAll(async () => {
  fake = await startPagerDutyFake();
  seedPagerDuty(fake);
  gateway = await startTestGateway(
    [
      {
        name: 'pagerduty',
        adapter: await pagerDutyAdapterAt(fake),
      },
    ],
    {
      cache: {
        maxEntries: 1000,
        directory: { ttlMs: 60_000, staleMs: 30_000 },
        records: { ttlMs: 0, staleMs: 0 },
      },
    },
  );
  // The clock the gateway and the fake read stands still from here unless a test moves it (timers
  // stay real), so the answers before the handoff come before it however slow the machine.
  // A weekly primary rotation Bob → Carol → Bob whose handoff comes a few seconds from now, and a
  // secondary rotation Alice → Dan with its handoff in two days.
  vi.useFakeTimers({ toFake: ['Date'], now: Math.floor(Date.now() / 1000) * 1000 });
  const now = Date.now();
  handoff = now + HANDOFF_IN_MS;
  shifts = [
    { level: 1, user_id: 'PUBOBNG', start: pdTime(handoff - 7 * DAY), end: pdTime(handoff) },
    { level: 1, user_id: 'PUCAROL', start: pdTime(handoff), end: pdTime(handoff + 7 * DAY) },
    { level: 1, user_id: 'PUBOBNG', start: pdTime(handoff + 7 * DAY), end: pdTime(handoff + 14 * DAY) },
    { level: 2, user_id: 'PUALICE', start: pdTime(now - 5 * DAY), end: pdTime(now + 2 * DAY) },
    { level: 2, user_id: 'PUDANXX', start: pdTime(now + 2 * DAY), end: pdTime(now + 9 * DAY) },
    // Beyond the 31 days `nextOnCall` looks ahead: never asked for.
    { level: 2, user_id: 'PUALICE', start: pdTime(now + 40 * DAY), end: pdTime(now + 47 * DAY) },
  ];
  fake.teams.push({
    id: 'PTSRCHX',
    name: 'Search',
    description: 'Search and indexing',
    members: [
      { user_id: 'PUBOBNG', role: 'responder' },
      { user_id: 'PUCAROL', role: 'responder' },
      { user_id: 'PUALICE', role: 'manager' },
    ],
  });
  fake.policies.push({ id: 'PEPSRCH', name: 'Search EP', team_ids: ['PTSRCHX'], levels: [], shifts });
  fake.services.push({
    id: 'PSSRCHX',
    name: 'search-api',
    description: 'Search',
    team_ids: ['PTSRCHX'],
    escalation_policy_id: 'PEPSRCH',
  });
});

afterAll(async () => {
  vi.useRealTimers();
  await gateway?.stop();
  await fake?.stop();
});

beforeEach(() => {
  fake.requests.length = 0;
});

describe('PagerDuty on call now and next', () => {
  it('says until when each on-call person holds their position, and who takes over when, as the schedule says', async () => {
    const asked = Date.now();
    const data = await ask('PTSRCHX');
    const primary = fromSchedule(1, asked);
    const secondary = fromSchedule(2, asked);
    expect(data.team.onCall).toEqual([onCallOf(primary.current, 'primary'), onCallOf(secondary.current, 'secondary')]);
    expect(data.team.nextOnCall).toEqual([shiftOf(primary.next, 'primary'), shiftOf(secondary.next, 'secondary')]);

    const onCalls = fake.requestsTo('/oncalls');
    expect(onCalls.map((r) => r.query.get('earliest'))).toEqual(['true', 'true']);
    const [now, ahead] = [...onCalls].sort((a, b) =>
      (a.query.get('until') ?? '').localeCompare(b.query.get('until') ?? ''),
    );
    expect(now?.query.get('since')).toBe(now?.query.get('until'));
    const window = Date.parse(ahead?.query.get('until') ?? '') - Date.parse(ahead?.query.get('since') ?? '');
    expect(window).toBe(31 * DAY);
  });

  it('never serves a cached on-call answer past the shift it describes: the next request after the handoff reads again', async () => {
    const before = await ask('PTSRCHX');
    expect(before.team.onCall[0]).toMatchObject({ name: 'Bob Ng', onCallUntil: new Date(handoff).toISOString() });
    // Within the shift the cached answer is served: no new on-call reads.
    const readsBefore = fake.requestsTo('/oncalls').length;
    expect(await ask('PTSRCHX')).toEqual(before);
    expect(fake.requestsTo('/oncalls')).toHaveLength(readsBefore);

    // What is under test is the passing of the handoff itself: move the clock until the answer's
    // own `onCallUntil` is in the past (the cache's TTL is a minute away).
    const until = Date.parse(before.team.onCall[0]?.onCallUntil as string);
    expect(Date.now()).toBeLessThan(until);
    vi.setSystemTime(until + 50);

    const after = await ask('PTSRCHX');
    const primary = fromSchedule(1, Date.now());
    expect(primary.current.user_id).toBe('PUCAROL');
    expect(after.team.onCall[0]).toEqual(onCallOf(primary.current, 'primary'));
    expect(after.team.nextOnCall).toEqual([
      shiftOf(fromSchedule(2, Date.now()).next, 'secondary'),
      shiftOf(primary.next, 'primary'),
    ]);
    expect(fake.requestsTo('/oncalls').length).toBe(readsBefore + 2);
  });

  it('keeps permanent on-calls (direct user targets) on call with no end, and has no next for them', async () => {
    const data = await ask('PTPAYME');
    expect(data.team.onCall).toEqual([
      { name: 'Bob Ng', onCallRole: 'primary', onCallUntil: null },
      { name: 'Alice Ops', onCallRole: 'secondary', onCallUntil: null },
      { name: 'Dan Shadow', onCallRole: 'secondary', onCallUntil: null },
    ]);
    expect(data.team.nextOnCall).toEqual([]);
  });

  it('reads who is next in the team a service names by that name, as the team read by ID answers it', async () => {
    const data = await gqlData<{ team: OnCallAnswer['team']; service: { team: OnCallAnswer['team'] } }>(
      gateway.url,
      `query ($team: ID!, $service: ID!) {
        team(id: $team) { nextOnCall { member { name } role start end } }
        service(id: $service) { team { nextOnCall { member { name } role start end } } }
      }`,
      { team: toGlobalId('Team', 'pagerduty', 'PTSRCHX'), service: toGlobalId('Service', 'pagerduty', 'PSSRCHX') },
    );
    expect(data.team.nextOnCall.length).toBeGreaterThan(0);
    expect(data.service.team.nextOnCall).toEqual(data.team.nextOnCall);
  });
});

describe('the PagerDuty fake honours since and until on /oncalls', () => {
  const oncalls = async (query: string) => {
    const res = await fetch(`${fake.url}/oncalls?escalation_policy_ids[]=PEPSRCH&${query}`, {
      headers: { authorization: `Token token=${fake.token}`, accept: 'application/vnd.pagerduty+json;version=2' },
    });
    return { status: res.status, body: (await res.json()) as { oncalls?: { user: { id: string }; start: string }[] } };
  };

  it('lists what overlaps the range, the earliest per user with earliest=true, and refuses an inverted or too long range', async () => {
    const from = pdTime(handoff + 6 * DAY);
    const to = pdTime(handoff + 8 * DAY);
    const all = await oncalls(`since=${from}&until=${to}`);
    expect(all.body.oncalls?.map((o) => [o.user.id, o.start])).toEqual([
      ['PUCAROL', pdTime(handoff)],
      ['PUDANXX', shifts[4]?.start],
      ['PUBOBNG', pdTime(handoff + 7 * DAY)],
    ]);
    const wide = await oncalls(`since=${pdTime(handoff - DAY)}&until=${pdTime(handoff + 10 * DAY)}&earliest=true`);
    expect(wide.body.oncalls?.filter((o) => o.user.id === 'PUBOBNG').map((o) => o.start)).toEqual([
      pdTime(handoff - 7 * DAY),
    ]);
    expect((await oncalls(`since=${to}&until=${from}`)).status).toBe(400);
    expect((await oncalls(`since=${from}&until=${pdTime(handoff + 120 * DAY)}`)).status).toBe(400);
  });
});
