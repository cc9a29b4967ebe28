import type {
  Alert,
  Deployment,
  Incident,
  Message,
  OrchestrationPlan,
  OrchestrationRun,
  Ticket,
  TimelineEntry,
} from '../../contract/index.js';
import type { IdFactory } from './ids.js';
import type { Rng } from './rng.js';
import type { ServiceRecord } from './services.js';
import type { TeamRecord } from './teams.js';
import type { Clock } from './time.js';

/** What the mock knows about an incident beyond the normalized record. */
export interface IncidentMeta {
  /** Key into SYMPTOMS: drives alerts, logs and which metric spikes. */
  symptom: string;
  /** When impact stopped without the incident being resolved yet; null while still hurting. */
  mitigatedAt: number | null;
  /**
   * How long symptoms preceded the incident: generated incidents were paged by an alert after
   * a few bad minutes; one opened through a mutation must not rewrite the metrics of the past.
   */
  leadMs: number;
}

/** The whole mutable demo world of one adapter instance. */
export interface World {
  seed: number;
  /** The configured `now`, in ms: generated history ends here. */
  anchor: number;
  clock: Clock;
  /** Randomness for runtime activity (new IDs, live events), continuing after generation. */
  rng: Rng;
  ids: IdFactory;
  teams: TeamRecord[];
  services: ServiceRecord[];
  incidents: Incident[];
  /** Oldest first per incident; readers reverse. */
  timelines: Map<string, TimelineEntry[]>;
  incidentMeta: Map<string, IncidentMeta>;
  alerts: Alert[];
  tickets: Ticket[];
  deployments: Deployment[];
  plans: OrchestrationPlan[];
  runs: OrchestrationRun[];
  messages: Message[];
  secrets: Map<string, string>;
  sequences: { incidentNumber: number; ticketNumber: number; ticketId: number; runId: number };
}
