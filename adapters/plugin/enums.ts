/**
 * OpsOrch plugins speak their own lower-case words (`open`, `mitigating`, `sev2`, `in_review`,
 * `P1`), and OpsOrch providers filter by exact word. Each vocabulary here works both ways: a raw
 * word in → the gateway's closed enum (UNKNOWN when unheard of; the caller keeps the raw word),
 * and an enum out → every word that means it (for filters) or the one word to write (for writes).
 * The first word of each list is the one written; the words are OpsOrch's own (its mock adapters'
 * seed data and the mappings of its PagerDuty adapter) before the common vocabularies of other tools.
 */
import type {
  AlertStatus,
  DeploymentStatus,
  IncidentStatus,
  LogLevel,
  MetricType,
  OrchestrationRunStatus,
  OrchestrationStepKind,
  OrchestrationStepStatus,
  Severity,
  TicketPriority,
  TicketStatus,
  TimelineEntryKind,
} from '../contract/index.js';

/** Words per enum value, the one to write first; values left out are reached only by their own name. */
type Table<E extends string> = Partial<Record<E, readonly string[]>>;

export interface Vocabulary<E extends string> {
  /** A provider's word → the closed enum. */
  read(raw: unknown): E;
  /** Every word a provider may use for these values, for exact-match filters (the enum names included). */
  words(values: readonly E[]): string[];
  /** The provider word to write for a value. */
  write(value: E): string;
}

/** `In Progress`, `in-progress` and `IN_PROGRESS` are the same word. */
function key(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

function vocabulary<E extends string>(table: Table<E>, fallback: E): Vocabulary<E> {
  const lookup = new Map<string, E>();
  for (const [value, words] of Object.entries(table) as [E, readonly string[]][]) {
    lookup.set(key(value), value);
    for (const word of words) lookup.set(key(word), value);
  }
  const wordsOf = (value: E): readonly string[] => table[value] ?? [];
  return {
    // A word already in key form (most are) is found as it is: key() of a key is the key itself.
    read: (raw) =>
      (typeof raw === 'string'
        ? (lookup.get(raw) ?? lookup.get(key(raw)))
        : typeof raw === 'number'
          ? lookup.get(key(String(raw)))
          : undefined) ?? fallback,
    // A loop, not `flatMap` over spread arrays: a list query filtered by status or severity asks this.
    words: (values) => {
      const out = new Set<string>();
      for (const value of values) {
        for (const word of wordsOf(value)) out.add(word);
        out.add(value);
      }
      return [...out];
    },
    write: (value) => wordsOf(value)[0] ?? value.toLowerCase(),
  };
}

export const incidentStatus = vocabulary<IncidentStatus>(
  {
    TRIGGERED: ['open', 'triggered', 'new', 'active', 'firing'],
    ACKNOWLEDGED: ['acknowledged', 'investigating', 'identified', 'ack', 'acked', 'in_progress', 'assigned'],
    MITIGATED: ['mitigating', 'monitoring', 'mitigated', 'stable', 'contained'],
    RESOLVED: ['resolved', 'closed', 'done', 'completed', 'postmortem'],
  },
  'UNKNOWN',
);

export const severity = vocabulary<Severity>(
  {
    CRITICAL: ['sev1', 'sev0', 'critical', 'p0', 'p1', 'crit', 'fatal', 'emergency', 'disaster', 'blocker'],
    HIGH: ['sev2', 'high', 'p2', 'major', 'error', 'err'],
    MEDIUM: ['sev3', 'medium', 'p3', 'moderate', 'warning', 'warn', 'average'],
    LOW: ['sev4', 'low', 'p4', 'minor'],
    INFO: ['sev5', 'info', 'p5', 'informational', 'information', 'notice', 'ok'],
  },
  'UNKNOWN',
);

/** Alert providers grade in `critical`/`error`/`warning`/`info`, so alerts write those words. */
export const alertSeverity = vocabulary<Severity>(
  {
    CRITICAL: ['critical', 'sev1', 'sev0', 'p0', 'p1', 'crit', 'fatal', 'emergency', 'disaster'],
    HIGH: ['error', 'sev2', 'high', 'p2', 'major', 'err'],
    MEDIUM: ['warning', 'sev3', 'medium', 'p3', 'moderate', 'warn', 'average'],
    LOW: ['low', 'sev4', 'p4', 'minor'],
    INFO: ['info', 'sev5', 'p5', 'informational', 'information', 'notice', 'ok'],
  },
  'UNKNOWN',
);

export const alertStatus = vocabulary<AlertStatus>(
  {
    FIRING: ['firing', 'open', 'triggered', 'active', 'alerting', 'alert', 'problem'],
    ACKNOWLEDGED: ['acknowledged', 'ack', 'acked', 'mitigating', 'investigating'],
    SILENCED: ['silenced', 'muted', 'suppressed', 'snoozed'],
    INHIBITED: ['inhibited'],
    RESOLVED: ['resolved', 'closed', 'ok', 'inactive', 'recovered'],
  },
  'UNKNOWN',
);

export const ticketStatus = vocabulary<TicketStatus>(
  {
    OPEN: ['todo', 'open', 'new', 'to_do', 'backlog', 'reopened', 'selected_for_development'],
    IN_PROGRESS: ['in_progress', 'in_review', 'doing', 'review', 'started'],
    BLOCKED: ['blocked', 'on_hold', 'waiting'],
    DONE: ['done', 'closed', 'resolved', 'completed', 'fixed'],
    CANCELLED: ['cancelled', 'canceled', 'wont_do', "won't_do", 'wontfix', 'rejected'],
  },
  'UNKNOWN',
);

/** OpsOrch tickets carry `fields.priority` on a P0 (most urgent) scale. */
export const ticketPriority = vocabulary<TicketPriority>(
  {
    HIGHEST: ['P0', 'highest', 'critical', 'blocker', 'urgent'],
    HIGH: ['P1', 'high', 'major'],
    MEDIUM: ['P2', 'medium', 'normal'],
    LOW: ['P3', 'low', 'minor'],
    LOWEST: ['P4', 'lowest', 'p5', 'trivial'],
  },
  'UNKNOWN',
);

export const deploymentStatus = vocabulary<DeploymentStatus>(
  {
    PENDING: ['queued', 'pending', 'created', 'waiting', 'scheduled'],
    IN_PROGRESS: ['running', 'in_progress', 'deploying', 'started'],
    SUCCEEDED: ['success', 'succeeded', 'successful', 'completed', 'done', 'deployed'],
    FAILED: ['failed', 'failure', 'error', 'errored'],
    ROLLED_BACK: ['rolled_back', 'rollback', 'rolledback', 'reverted'],
    CANCELLED: ['cancelled', 'canceled', 'aborted', 'skipped'],
  },
  'UNKNOWN',
);

export const runStatus = vocabulary<OrchestrationRunStatus>(
  {
    PENDING: ['created', 'pending', 'queued'],
    RUNNING: ['running', 'in_progress', 'started'],
    WAITING: ['blocked', 'waiting', 'paused'],
    SUCCEEDED: ['completed', 'succeeded', 'success', 'done'],
    FAILED: ['failed', 'failure', 'error'],
    CANCELLED: ['cancelled', 'canceled', 'aborted'],
  },
  'UNKNOWN',
);

export const stepStatus = vocabulary<OrchestrationStepStatus>(
  {
    PENDING: ['pending', 'ready', 'created', 'queued'],
    RUNNING: ['running', 'in_progress', 'started'],
    WAITING: ['blocked', 'waiting'],
    SUCCEEDED: ['succeeded', 'success', 'completed', 'done'],
    FAILED: ['failed', 'failure', 'error'],
    SKIPPED: ['skipped', 'cancelled', 'canceled'],
  },
  'UNKNOWN',
);

/** OpsOrch step types are `manual` and `automated`; only `manual` needs a person. */
export function stepKind(raw: unknown): OrchestrationStepKind {
  return typeof raw === 'string' && key(raw) === 'manual' ? 'MANUAL' : 'AUTOMATED';
}

export const timelineKind = vocabulary<TimelineEntryKind>(
  {
    CREATED: ['created', 'trigger', 'create', 'opened', 'triggered'],
    NOTE: ['note', 'comment', 'annotation'],
    STATUS_CHANGE: ['status_change', 'status', 'status_changed', 'acknowledged', 'resolved'],
    SEVERITY_CHANGE: ['severity_change', 'severity', 'severity_changed', 'priority_change'],
    ASSIGNMENT: ['assignment', 'assign', 'assigned', 'reassigned'],
    ESCALATION: ['escalation', 'escalate', 'escalated'],
    NOTIFICATION: ['notification', 'notify', 'notified', 'page'],
    ALERT: ['alert'],
    DEPLOYMENT: ['deployment', 'deploy'],
    MESSAGE: ['message', 'chat', 'slack'],
  },
  'OTHER',
);

export const logLevel = vocabulary<LogLevel>(
  {
    TRACE: ['trace', 'verbose'],
    DEBUG: ['debug'],
    INFO: ['info', 'information', 'informational', 'notice'],
    WARN: ['warn', 'warning'],
    ERROR: ['error', 'err'],
    FATAL: ['critical', 'fatal', 'crit', 'emergency', 'emerg', 'alert', 'panic'],
  },
  'UNKNOWN',
);

export const metricType = vocabulary<MetricType>(
  { COUNTER: ['counter', 'count', 'sum'], GAUGE: ['gauge'], HISTOGRAM: ['histogram'], SUMMARY: ['summary'] },
  'UNKNOWN',
);
