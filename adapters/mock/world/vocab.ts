/**
 * Raw provider vocabulary for each normalized value, so `rawStatus` / `rawSeverity` read like
 * what PagerDuty, Alertmanager, Jira, GitHub and Rundeck actually return.
 */
import type {
  DeploymentStatus,
  IncidentStatus,
  OrchestrationRunStatus,
  OrchestrationStepStatus,
  Severity,
  TicketPriority,
  TicketStatus,
  TimelineEntryKind,
} from '../../contract/index.js';

export const INCIDENT_STATUS_RAW: Record<IncidentStatus, string> = {
  TRIGGERED: 'triggered',
  ACKNOWLEDGED: 'acknowledged',
  MITIGATED: 'mitigated',
  RESOLVED: 'resolved',
  UNKNOWN: 'unknown',
};

/** PagerDuty priorities. */
export const INCIDENT_SEVERITY_RAW: Record<Severity, string> = {
  CRITICAL: 'P1',
  HIGH: 'P2',
  MEDIUM: 'P3',
  LOW: 'P4',
  INFO: 'P5',
  UNKNOWN: 'none',
};

/** Alertmanager `severity` label values. */
export const ALERT_SEVERITY_RAW: Record<Severity, string> = {
  CRITICAL: 'critical',
  HIGH: 'error',
  MEDIUM: 'warning',
  LOW: 'minor',
  INFO: 'info',
  UNKNOWN: 'none',
};

export const TIMELINE_KIND_RAW: Record<TimelineEntryKind, string> = {
  CREATED: 'trigger_log_entry',
  NOTE: 'annotate_log_entry',
  STATUS_CHANGE: 'status_change_log_entry',
  SEVERITY_CHANGE: 'priority_change_log_entry',
  ASSIGNMENT: 'assign_log_entry',
  ESCALATION: 'escalate_log_entry',
  NOTIFICATION: 'notify_log_entry',
  ALERT: 'alert_log_entry',
  DEPLOYMENT: 'change_event_log_entry',
  MESSAGE: 'slack_message_log_entry',
  OTHER: 'custom_log_entry',
};

export const TICKET_STATUS_RAW: Record<TicketStatus, string> = {
  OPEN: 'To Do',
  IN_PROGRESS: 'In Progress',
  BLOCKED: 'Blocked',
  DONE: 'Done',
  CANCELLED: "Won't Do",
  UNKNOWN: 'Unknown',
};

export const TICKET_PRIORITY_RAW: Record<TicketPriority, string> = {
  HIGHEST: 'Highest',
  HIGH: 'High',
  MEDIUM: 'Medium',
  LOW: 'Low',
  LOWEST: 'Lowest',
  UNKNOWN: 'None',
};

/** GitHub Actions run conclusions, plus our pipeline's own `rolled_back`. */
export const DEPLOYMENT_STATUS_RAW: Record<DeploymentStatus, string> = {
  PENDING: 'queued',
  IN_PROGRESS: 'in_progress',
  SUCCEEDED: 'success',
  FAILED: 'failure',
  ROLLED_BACK: 'rolled_back',
  CANCELLED: 'cancelled',
  UNKNOWN: 'neutral',
};

/** Rundeck execution states. */
export const RUN_STATUS_RAW: Record<OrchestrationRunStatus, string> = {
  PENDING: 'scheduled',
  RUNNING: 'running',
  WAITING: 'waiting-for-input',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  CANCELLED: 'aborted',
  UNKNOWN: 'other',
};

export const STEP_STATUS_RAW: Record<OrchestrationStepStatus, string> = {
  PENDING: 'not-started',
  RUNNING: 'running',
  WAITING: 'waiting-for-input',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  SKIPPED: 'skipped',
  UNKNOWN: 'other',
};

export const SEVERITY_WEIGHT: Record<Severity, number> = {
  CRITICAL: 1,
  HIGH: 0.75,
  MEDIUM: 0.5,
  LOW: 0.3,
  INFO: 0.15,
  UNKNOWN: 0.3,
};
