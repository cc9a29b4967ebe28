/**
 * Plugins answer with whatever their tool calls a status or severity (OpsOrch Core plugins use
 * lower-case words like `open` or `sev2`). These tables map the common vocabularies onto the
 * gateway's closed enums; anything else becomes UNKNOWN and the raw value is kept by the caller.
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

/** Words per enum value; values left out are reached only by their own name, or not at all. */
type Table<E extends string> = Partial<Record<E, readonly string[]>>;

/** `In Progress`, `in-progress` and `IN_PROGRESS` are the same word. */
function key(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

function mapper<E extends string>(table: Table<E>, fallback: E): (raw: unknown) => E {
  const lookup = new Map<string, E>();
  for (const [value, words] of Object.entries(table) as [E, readonly string[]][]) {
    lookup.set(key(value), value);
    for (const word of words) lookup.set(key(word), value);
  }
  return (raw) =>
    (typeof raw === 'string' || typeof raw === 'number' ? lookup.get(key(String(raw))) : undefined) ?? fallback;
}

export const incidentStatus = mapper<IncidentStatus>(
  {
    TRIGGERED: ['open', 'new', 'active', 'firing', 'triggered', 'investigating', 'identified', 'ongoing'],
    ACKNOWLEDGED: ['ack', 'acked', 'acknowledged', 'in_progress', 'assigned'],
    MITIGATED: ['mitigated', 'monitoring', 'stable', 'contained'],
    RESOLVED: ['resolved', 'closed', 'done', 'completed', 'postmortem'],
  },
  'UNKNOWN',
);

export const severity = mapper<Severity>(
  {
    CRITICAL: ['sev0', 'sev1', 'p0', 'p1', 'critical', 'crit', 'fatal', 'emergency', 'disaster', 'blocker'],
    HIGH: ['sev2', 'p2', 'high', 'major', 'error', 'err'],
    MEDIUM: ['sev3', 'p3', 'medium', 'moderate', 'warning', 'warn', 'average'],
    LOW: ['sev4', 'p4', 'low', 'minor'],
    INFO: ['sev5', 'p5', 'info', 'informational', 'information', 'notice', 'ok'],
  },
  'UNKNOWN',
);

export const alertStatus = mapper<AlertStatus>(
  {
    FIRING: ['open', 'firing', 'triggered', 'active', 'alerting', 'alert', 'problem'],
    ACKNOWLEDGED: ['ack', 'acked', 'acknowledged'],
    SILENCED: ['silenced', 'muted', 'suppressed', 'snoozed'],
    INHIBITED: ['inhibited'],
    RESOLVED: ['resolved', 'closed', 'ok', 'inactive', 'recovered'],
  },
  'UNKNOWN',
);

export const ticketStatus = mapper<TicketStatus>(
  {
    OPEN: ['open', 'new', 'todo', 'to_do', 'backlog', 'reopened', 'selected_for_development'],
    IN_PROGRESS: ['in_progress', 'doing', 'in_review', 'review', 'started'],
    BLOCKED: ['blocked', 'on_hold', 'waiting'],
    DONE: ['done', 'closed', 'resolved', 'completed', 'fixed'],
    CANCELLED: ['cancelled', 'canceled', 'wont_do', "won't_do", 'wontfix', 'rejected'],
  },
  'UNKNOWN',
);

export const ticketPriority = mapper<TicketPriority>(
  {
    HIGHEST: ['highest', 'p0', 'p1', 'critical', 'blocker', 'urgent'],
    HIGH: ['high', 'p2', 'major'],
    MEDIUM: ['medium', 'p3', 'normal'],
    LOW: ['low', 'p4', 'minor'],
    LOWEST: ['lowest', 'p5', 'trivial'],
  },
  'UNKNOWN',
);

export const deploymentStatus = mapper<DeploymentStatus>(
  {
    PENDING: ['pending', 'queued', 'created', 'waiting', 'scheduled'],
    IN_PROGRESS: ['in_progress', 'running', 'deploying', 'started'],
    SUCCEEDED: ['succeeded', 'success', 'successful', 'completed', 'done', 'deployed'],
    FAILED: ['failed', 'failure', 'error', 'errored'],
    ROLLED_BACK: ['rolled_back', 'rollback', 'rolledback', 'reverted'],
    CANCELLED: ['cancelled', 'canceled', 'aborted', 'skipped'],
  },
  'UNKNOWN',
);

export const runStatus = mapper<OrchestrationRunStatus>(
  {
    PENDING: ['pending', 'created', 'queued'],
    RUNNING: ['running', 'in_progress', 'started'],
    WAITING: ['waiting', 'blocked', 'paused'],
    SUCCEEDED: ['succeeded', 'success', 'completed', 'done'],
    FAILED: ['failed', 'failure', 'error'],
    CANCELLED: ['cancelled', 'canceled', 'aborted'],
  },
  'UNKNOWN',
);

export const stepStatus = mapper<OrchestrationStepStatus>(
  {
    PENDING: ['pending', 'ready', 'created', 'queued'],
    RUNNING: ['running', 'in_progress', 'started'],
    WAITING: ['waiting', 'blocked'],
    SUCCEEDED: ['succeeded', 'success', 'completed', 'done'],
    FAILED: ['failed', 'failure', 'error'],
    SKIPPED: ['skipped', 'cancelled', 'canceled'],
  },
  'UNKNOWN',
);

/** OpsOrch Core step types (`manual`, `observe`, `invoke`, ...): only `manual` needs a person. */
export function stepKind(raw: unknown): OrchestrationStepKind {
  return typeof raw === 'string' && key(raw) === 'manual' ? 'MANUAL' : 'AUTOMATED';
}

export const timelineKind = mapper<TimelineEntryKind>(
  {
    CREATED: ['created', 'create', 'opened', 'triggered'],
    NOTE: ['note', 'comment', 'annotation'],
    STATUS_CHANGE: ['status', 'status_change', 'status_changed', 'acknowledged', 'resolved'],
    SEVERITY_CHANGE: ['severity', 'severity_change', 'severity_changed', 'priority_change'],
    ASSIGNMENT: ['assign', 'assigned', 'assignment', 'reassigned'],
    ESCALATION: ['escalate', 'escalated', 'escalation'],
    NOTIFICATION: ['notify', 'notified', 'notification', 'page'],
    ALERT: ['alert'],
    DEPLOYMENT: ['deploy', 'deployment'],
    MESSAGE: ['message', 'chat', 'slack'],
  },
  'OTHER',
);

export const logLevel = mapper<LogLevel>(
  {
    TRACE: ['trace', 'verbose'],
    DEBUG: ['debug'],
    INFO: ['info', 'information', 'informational', 'notice'],
    WARN: ['warn', 'warning'],
    ERROR: ['error', 'err'],
    FATAL: ['fatal', 'critical', 'crit', 'emergency', 'emerg', 'alert', 'panic'],
  },
  'UNKNOWN',
);

export const metricType = mapper<MetricType>(
  { COUNTER: ['counter', 'count', 'sum'], GAUGE: ['gauge'], HISTOGRAM: ['histogram'], SUMMARY: ['summary'] },
  'UNKNOWN',
);
