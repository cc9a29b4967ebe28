/**
 * `processes` copies of one plugin executable, each with its own host (queue, time-outs,
 * restarts). A plugin without the `id` extension answers one call at a time, as OpsOrch Core
 * runs it (one process behind a mutex), so a provider with real latency serializes every call
 * made to it; N processes answer N calls at once. A call goes to the process with the fewest
 * calls waiting or running, and is refused only when every queue is full. One process (the
 * default) is Core's behaviour and the only right one for a plugin that keeps records in memory
 * (OpsOrch's mock plugins do, with clocks from their own start): each process would hold its own.
 */
import { type Abortable, AdapterError, type Health } from '../contract/index.js';
import { PluginHost, type PluginHostOptions } from './host.js';
import type { PluginExtension } from './protocol.js';

export class PluginPool {
  private readonly hosts: PluginHost[];

  constructor(options: PluginHostOptions, processes: number) {
    this.hosts = Array.from({ length: processes }, () => new PluginHost(options));
  }

  get size(): number {
    return this.hosts.length;
  }

  /** PID of the first process, if it is running. */
  get pid(): number | undefined {
    return this.hosts[0]?.pid;
  }

  /** PIDs of the running processes. */
  get pids(): number[] {
    return this.hosts.flatMap((host) => (host.pid === undefined ? [] : [host.pid]));
  }

  /** Restarts of all the processes since the pool started. */
  get restartCount(): number {
    return this.hosts.reduce((sum, host) => sum + host.restartCount, 0);
  }

  /** Extensions the first process announced (every process runs the same executable). */
  get extensions(): ReadonlySet<PluginExtension> {
    return this.hosts[0]?.extensions ?? new Set();
  }

  call(method: string, payload: unknown, signal?: Abortable): Promise<unknown> {
    let chosen = this.hosts[0];
    for (const host of this.hosts) if (chosen && host.load < chosen.load) chosen = host;
    if (!chosen) return Promise.reject(new AdapterError('PROVIDER_ERROR', 'plugin pool has no process'));
    return chosen.call(method, payload, signal);
  }

  /** The processes' common health, or DEGRADED saying how many are healthy. */
  async checkHealth(signal?: AbortSignal): Promise<Health> {
    const all = await Promise.all(this.hosts.map((host) => host.checkHealth(signal)));
    const first = all[0] as Health;
    if (all.every((h) => h.status === first.status)) return first;
    const healthy = all.filter((h) => h.status === 'HEALTHY').length;
    const other = all.find((h) => h.status !== 'HEALTHY');
    const why = other?.message ? `; ${other.message}` : '';
    return { status: 'DEGRADED', message: `${healthy} of ${all.length} plugin processes healthy${why}` };
  }

  async close(): Promise<void> {
    await Promise.all(this.hosts.map((host) => host.close()));
  }
}
