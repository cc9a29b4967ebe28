/**
 * What resolvers pass between each other: adapter records stamped with the provider instance
 * that produced them, so every hop can be routed back to its owner. Codegen maps the GraphQL
 * object types to these (see codegen.yml).
 */
import type * as m from '../../adapters/contract/index.js';
import type { ListCounts } from './aggregates/counts.js';

export interface Stamp {
  /** Provider instance name (`Source.provider`). */
  provider: string;
}

export type IncidentNode = m.Incident & Stamp;
export type TimelineEntryNode = m.TimelineEntry & Stamp;
export type AlertNode = m.Alert & Stamp;
export type LogEntryNode = m.LogEntry & Stamp;
export type LogResultNode = Omit<m.LogResult, 'entries'> & { entries: LogEntryNode[] };
export type MetricSeriesNode = m.MetricSeries & Stamp;
export type MetricDescriptorNode = m.MetricDescriptor & Stamp;
export type TicketNode = m.Ticket & Stamp;
export type ServiceNode = m.Service & Stamp;
export type TeamNode = m.Team & Stamp;
export type TeamMemberNode = m.TeamMember & Stamp & { teamId: string };
export type OnCallShiftNode = Omit<m.OnCallShift, 'member'> & { member: TeamMemberNode };
export type DeploymentNode = m.Deployment & Stamp;
export type MessageNode = m.Message & Stamp;
export type OrchestrationPlanNode = m.OrchestrationPlan & Stamp;
export type OrchestrationRunNode = m.OrchestrationRun & Stamp;

export interface IncidentUpdatedEventNode {
  incident: IncidentNode;
  changedFields: string[];
  previousStatus?: m.IncidentStatus | null;
  at: string;
}

export interface ProviderStatusNode {
  capability: m.Capability;
  provider: string;
  kind: string;
}

/** A page on its way to a Relay connection: the floor's page, and how to make each edge's cursor. */
export interface ConnectionNode<T, S extends string = string> extends m.Page<T> {
  totalCount: number | null;
  hasPreviousPage: boolean;
  cursorOf(node: T): string;
  /** Counts of the whole list (not only the page), computed when a client asks for them. */
  counts?: () => Promise<ListCounts<S>>;
}

/** GraphQL type name of every Node, with the capability that owns it. */
export const NODE_KINDS = {
  Incident: 'incident',
  TimelineEntry: 'incident',
  Alert: 'alert',
  Ticket: 'ticket',
  Service: 'service',
  Team: 'team',
  Deployment: 'deployment',
  OrchestrationPlan: 'orchestration',
  OrchestrationRun: 'orchestration',
} as const satisfies Record<string, m.Capability>;

export type NodeKind = keyof typeof NODE_KINDS;

export type IncidentConnectionNode = ConnectionNode<IncidentNode, m.IncidentStatus>;
export type TimelineEntryConnectionNode = ConnectionNode<TimelineEntryNode>;
export type AlertConnectionNode = ConnectionNode<AlertNode, m.AlertStatus>;
export type TicketConnectionNode = ConnectionNode<TicketNode, m.TicketStatus>;
export type ServiceConnectionNode = ConnectionNode<ServiceNode>;
export type TeamConnectionNode = ConnectionNode<TeamNode>;
export type DeploymentConnectionNode = ConnectionNode<DeploymentNode, m.DeploymentStatus>;
export type OrchestrationPlanConnectionNode = ConnectionNode<OrchestrationPlanNode>;
export type OrchestrationRunConnectionNode = ConnectionNode<OrchestrationRunNode, m.OrchestrationRunStatus>;
