/**
 * A provider that cannot push, for the poller and intake suites: the real PagerDuty adapter over the
 * PagerDuty fake (`test/fakes/pagerduty`), seeded, around one open incident. Without webhook secrets
 * the gateway has to poll it, or be told by events.
 */
import type { Adapter } from '../../adapters/contract/index.js';
import { seedPagerDuty } from '../fakes/pagerduty/seed.js';
import { type FakeIncident, type PagerDutyFake, startPagerDutyFake } from '../fakes/pagerduty/server.js';
import { pagerDutyAdapterAt } from './pagerduty.js';

export interface PolledPagerDuty {
  fake: PagerDutyFake;
  /** A triggered incident with one log entry. */
  incident: FakeIncident;
  /** Reads of the incident's timeline so far, by anyone (each reads its notes once). */
  timelineReads(): number;
  /** A note added in PagerDuty's web UI, on the incident. */
  addNote(content: string): FakeIncident['notes'][number];
  /** The real adapter over the fake, as the provider instance `name`. */
  adapter(name?: string): Promise<Adapter>;
  stop(): Promise<void>;
}

export async function startPolledPagerDuty(): Promise<PolledPagerDuty> {
  const fake = await startPagerDutyFake();
  seedPagerDuty(fake);
  const incident = fake.incidents.find((i) => i.status === 'triggered');
  if (!incident) throw new Error('the seeded account has no triggered incident');
  const notesPath = `/incidents/${incident.id}/notes`;
  return {
    fake,
    incident,
    timelineReads: () => fake.requests.filter((r) => r.method === 'GET' && r.path === notesPath).length,
    addNote: (content) => fake.addNote(incident.id, content),
    adapter: (name) => pagerDutyAdapterAt(fake, { name }),
    stop: () => fake.stop(),
  };
}
