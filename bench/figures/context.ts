/** What every figure gets: the servers under test and how long it may take. */
import type { ServerProcess } from '../lib/process.js';

export interface GraphQLServer extends ServerProcess {
  graphql: string;
}

export interface BenchOptions {
  quick: boolean;
  /** Injected provider latency for the page, single-flight and soak figures. */
  latencyMs: number;
  soakSeconds: number;
  /** Scales every load run: seconds of load per measurement. */
  loadSeconds: number;
  /** The consoles section's runs besides one console's (all when absent), and how long each counts. */
  consoles?: { runs?: readonly ConsolesRun[]; seconds?: number };
}

/** The consoles section's runs, each compared with one console's (`--consoles=<run>`). */
export const CONSOLES_RUNS = ['fleet', 'recordTtl', 'noCache', 'threeInstances'] as const;
export type ConsolesRun = (typeof CONSOLES_RUNS)[number];

export interface Servers {
  /** Gateway over providers with injected latency. */
  gateway: GraphQLServer;
  /** The same, with DataLoader (and so single-flight) off. */
  gatewayNoLoader: GraphQLServer;
  /** The same, with only single-flight off. */
  gatewayNoSingleFlight: GraphQLServer;
  /** REST API over providers with injected latency. */
  rest: ServerProcess;
  /** Gateway over zero-latency providers with a thousand incidents. */
  gatewayFast: GraphQLServer;
  /** Bare Apollo Server over the same data in memory. */
  bare: GraphQLServer;
  /** OpsOrch Core over OpsOrch's mock plugin binaries. */
  core: ServerProcess;
  /** The gateway over the same plugin binaries (its own processes), single-flight off. */
  gatewayPlugins: GraphQLServer;
}

export type Figures = Record<string, number | string | boolean | null>;
