/**
 * A weekly on-call rotation over each generated team. Generation staffs every team's positions
 * (primary, usually secondary) once; this schedule is anchored so that those people hold the
 * shift that contains the world's anchor, and the roster other modules read stays as generated.
 *
 * Handoffs are Mondays at 09:00 UTC. Each position walks the team's non-lead members in team
 * order, one step a week; every position steps together, so two positions never meet.
 */
import type { OnCallShift, TeamMember } from '../../contract/index.js';
import type { TeamRecord } from './teams.js';
import { DAY, HOUR, iso } from './time.js';

export const WEEK = 7 * DAY;
/** 1970-01-05 09:00 UTC, a Monday: every handoff is a whole number of weeks from it. */
const FIRST_HANDOFF = 4 * DAY + 9 * HOUR;

/** The handoff that started the shift running at `t`. */
export function shiftStart(t: number): number {
  return t - ((((t - FIRST_HANDOFF) % WEEK) + WEEK) % WEEK);
}

/** Who rotates through the positions, and who holds each at the anchor. */
function rotation(record: TeamRecord): { pool: TeamMember[]; holders: { role: string; index: number }[] } {
  const staffed = record.members.filter((m) => m.onCallRole);
  // The lead stays out of the rotation unless generation put them on call.
  const pool = staffed.includes(record.members[0] as TeamMember) ? record.members : record.members.slice(1);
  const holders = staffed
    .map((m) => ({ role: m.onCallRole as string, index: pool.indexOf(m) }))
    .sort((a, b) => rank(a.role) - rank(b.role));
  return { pool, holders };
}

function rank(role: string): number {
  return role === 'primary' ? 0 : role === 'secondary' ? 1 : 2;
}

/** Whole weeks between the anchor's shift and the shift running at `t`. */
function weeksSince(anchor: number, t: number): number {
  return Math.round((shiftStart(t) - shiftStart(anchor)) / WEEK);
}

function holderAt(pool: readonly TeamMember[], index: number, weeks: number): TeamMember {
  return pool[(((index + weeks) % pool.length) + pool.length) % pool.length] as TeamMember;
}

/** The team's members as they stand at `t`: who is on call, in which position, until when. */
export function membersAt(record: TeamRecord, anchor: number, t: number): TeamMember[] {
  const { pool, holders } = rotation(record);
  const weeks = weeksSince(anchor, t);
  const until = iso(shiftStart(t) + WEEK);
  const roles = new Map(holders.map((h) => [holderAt(pool, h.index, weeks), h.role]));
  return record.members.map((member) => {
    const role = roles.get(member) ?? null;
    return { ...member, onCallRole: role, onCallUntil: role ? until : null };
  });
}

/** Who takes each position at the next handoff after `t`, as the team lists them at `t`. */
export function nextShiftsAt(record: TeamRecord, anchor: number, t: number): OnCallShift[] {
  const { pool, holders } = rotation(record);
  const now = membersAt(record, anchor, t);
  const start = shiftStart(t) + WEEK;
  const weeks = weeksSince(anchor, t) + 1;
  return holders.map((h) => {
    const member = now[record.members.indexOf(holderAt(pool, h.index, weeks))] as TeamMember;
    return { member, role: h.role, start: iso(start), end: iso(start + WEEK) };
  });
}
