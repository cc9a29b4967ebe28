import { generateAlerts } from './alerts.js';
import { generateDeployments } from './deployments.js';
import { createIdFactory } from './ids.js';
import { dropTeamOfTeamlessIncident, generateIncidents } from './incidents.js';
import type { World } from './model.js';
import { generatePlans, generateRuns } from './orchestration.js';
import { createRng } from './rng.js';
import { generateServices } from './services.js';
import { generateTeams } from './teams.js';
import { FIRST_TICKET_ID, FIRST_TICKET_NUMBER, generateTickets } from './tickets.js';
import { type Clock, createClock } from './time.js';

export type { World } from './model.js';

export interface WorldOptions {
  seed: number;
  /** ms since the epoch: generated history ends here. */
  anchor: number;
  secrets?: Record<string, string>;
  clock?: Clock;
}

/** The whole demo world, a pure function of (seed, anchor) until something mutates it. */
export function buildWorld(options: WorldOptions): World {
  const { seed, anchor } = options;
  const rng = createRng(seed);
  const ids = createIdFactory(rng);
  const teams = generateTeams(rng, ids);
  const services = generateServices(rng, ids);
  const { incidents, timelines, meta, nextNumber } = generateIncidents(rng, ids, anchor, services, teams);
  const alerts = generateAlerts({ rng, ids, anchor, services, teams, incidents, timelines, meta });
  const deployments = generateDeployments({ rng, ids, anchor, services, teams, incidents, timelines, meta });
  const tickets = generateTickets({ rng, anchor, services, teams, incidents, meta });
  const plans = generatePlans(ids);
  const { runs, nextRunId } = generateRuns({ rng, ids, anchor, plans, incidents, timelines, firstRunId: 4100 });
  dropTeamOfTeamlessIncident(incidents);
  return {
    seed,
    anchor,
    clock: options.clock ?? createClock(anchor),
    rng,
    ids,
    teams,
    services,
    incidents,
    timelines,
    incidentMeta: meta,
    alerts,
    tickets,
    deployments,
    plans,
    runs,
    messages: [],
    secrets: new Map(Object.entries(options.secrets ?? {})),
    sequences: {
      incidentNumber: nextNumber,
      ticketNumber: FIRST_TICKET_NUMBER + tickets.length,
      ticketId: FIRST_TICKET_ID + tickets.length,
      runId: nextRunId,
    },
  };
}
