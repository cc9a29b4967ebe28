/**
 * The tool surface: opsorch-mcp's 18 tools first, in its order and with its names, titles and
 * input schemas, then the tools an incident agent needs that it lacks.
 */
import type { Tool } from '../tool.js';
import { getAlert, queryAlerts } from './alerts.js';
import { getDeployment, queryDeployments } from './deployments.js';
import {
  getService,
  getTeam,
  getTeamMembers,
  listServices,
  queryServices,
  queryTeams,
  whoIsOnCall,
} from './directory.js';
import {
  acknowledgeIncident,
  appendIncidentNote,
  getIncident,
  getIncidentContext,
  getIncidentTimeline,
  queryIncidents,
  resolveIncident,
} from './incidents.js';
import {
  completeOrchestrationStep,
  getOrchestrationPlan,
  getOrchestrationRun,
  queryOrchestrationPlans,
  queryOrchestrationRuns,
  startOrchestrationRun,
} from './orchestration.js';
import { listProviders } from './providers.js';
import { describeMetrics, queryLogs, queryMetrics } from './telemetry.js';
import { getTicket, queryTickets } from './tickets.js';

export const OPSORCH_MCP_TOOLS: readonly Tool[] = [
  queryIncidents,
  getIncident,
  getIncidentTimeline,
  queryAlerts,
  queryLogs,
  queryMetrics,
  describeMetrics,
  queryTickets,
  getTicket,
  queryServices,
  queryTeams,
  getTeam,
  getTeamMembers,
  queryDeployments,
  getDeployment,
  queryOrchestrationPlans,
  getOrchestrationPlan,
  listProviders,
];

export const AGENT_TOOLS: readonly Tool[] = [
  getIncidentContext,
  whoIsOnCall,
  getAlert,
  getService,
  listServices,
  queryOrchestrationRuns,
  getOrchestrationRun,
  appendIncidentNote,
  acknowledgeIncident,
  resolveIncident,
  startOrchestrationRun,
  completeOrchestrationStep,
];

export const TOOLS: readonly Tool[] = [...OPSORCH_MCP_TOOLS, ...AGENT_TOOLS];
