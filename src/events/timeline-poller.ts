/**
 * Polling for providers that cannot push: while an incident's timeline topic has subscribers in
 * this process, its provider timeline is fetched every interval and entries not seen before are
 * published. Providers whose adapter pushes events (`onEvent`) are left alone. With several
 * instances, a lease per incident makes one instance poll while the others only listen; when the
 * poller stops or dies, another instance with subscribers takes the lease over.
 */

import type { DataFloor } from '../data/floor.js';
import type { Logger } from '../logger.js';
import type { PubSub } from './pubsub.js';
import { timelineTopicIncident } from './topics.js';

export interface TimelinePollerOptions {
  /** Polls read through the floor and hand what is new to its intake. */
  floor: DataFloor;
  pubsub: PubSub;
  logger: Logger;
  intervalMs: number;
}

/** Provider clocks and ours disagree a little; entries this much older than the watch still count. */
const CLOCK_SKEW_MS = 5000;

interface Watch {
  topic: string;
  provider: string;
  incidentId: string;
  /** When the first local subscriber appeared: older entries are history, not news. */
  startedAt: number;
  seen: Set<string>;
  holding: boolean;
  /** Whether a poll succeeded since the lease was taken, so later polls need no cutoff. */
  primed: boolean;
  timer?: NodeJS.Timeout;
  stopped: boolean;
}

export interface PollerStats {
  /** Incidents with local subscribers whose provider is polled. */
  watched: number;
  /** Of those, the ones this instance holds the lease for and polls itself. */
  polling: number;
}

export class TimelinePoller {
  private readonly watches = new Map<string, Watch>();
  private readonly leaseTtlMs: number;
  private unlisten: (() => void) | undefined;

  constructor(private readonly options: TimelinePollerOptions) {
    // Three missed renewals before another instance may take over.
    this.leaseTtlMs = Math.max(3 * options.intervalMs, 1000);
  }

  start(): void {
    this.unlisten = this.options.pubsub.onTopicChange((topic, active) => {
      if (active) this.watch(topic);
      else this.unwatch(topic);
    });
    for (const topic of this.options.pubsub.activeTopics()) this.watch(topic);
  }

  async stop(): Promise<void> {
    this.unlisten?.();
    await Promise.all([...this.watches.keys()].map((topic) => this.unwatch(topic)));
  }

  stats(): PollerStats {
    let polling = 0;
    for (const w of this.watches.values()) if (w.holding) polling += 1;
    return { watched: this.watches.size, polling };
  }

  private watch(topic: string): void {
    const incident = timelineTopicIncident(topic);
    if (!incident || this.watches.has(topic)) return;
    const { provider, nativeId } = incident;
    const { floor } = this.options;
    if (!floor.serves(provider, 'incident') || floor.pushes(provider)) return;
    const w: Watch = {
      topic,
      provider,
      incidentId: nativeId,
      startedAt: Date.now(),
      seen: new Set(),
      holding: false,
      primed: false,
      stopped: false,
    };
    this.watches.set(topic, w);
    void this.tick(w);
  }

  private async unwatch(topic: string): Promise<void> {
    const w = this.watches.get(topic);
    if (!w) return;
    this.watches.delete(topic);
    w.stopped = true;
    clearTimeout(w.timer);
    if (w.holding) {
      w.holding = false;
      await this.options.pubsub.leases
        .release(this.leaseName(w))
        .catch((err: unknown) => this.options.logger.warn({ err }, 'could not release a polling lease'));
    }
  }

  private async tick(w: Watch): Promise<void> {
    try {
      const held = await this.options.pubsub.leases.hold(this.leaseName(w), this.leaseTtlMs);
      if (w.stopped) {
        // The watch ended while the lease was being taken: hand it on at once.
        if (held) await this.options.pubsub.leases.release(this.leaseName(w));
        return;
      }
      if (!held) {
        w.holding = false;
        w.primed = false;
        return;
      }
      w.holding = true;
      // Entries from before this instance started polling were someone else's to publish, or are
      // history; on a take-over the gap since the last holder stopped is still covered.
      const cutoff = w.primed
        ? Number.NEGATIVE_INFINITY
        : Math.max(w.startedAt, Date.now() - this.leaseTtlMs) - CLOCK_SKEW_MS;
      await this.poll(w, cutoff);
      w.primed = true;
    } catch (err) {
      this.options.logger.warn({ err, provider: w.provider }, 'timeline poll failed');
    } finally {
      if (!w.stopped) {
        w.timer = setTimeout(() => void this.tick(w), this.options.intervalMs);
        w.timer.unref();
      }
    }
  }

  private async poll(w: Watch, cutoff: number): Promise<void> {
    const { floor } = this.options;
    const timeline = await floor.background('poller', this.leaseTtlMs).incidents.timeline(w.provider, w.incidentId);
    if (w.stopped) return;
    // Timelines come newest first; subscribers get them in the order they happened.
    for (const entry of [...timeline].reverse()) {
      if (w.seen.has(entry.id)) continue;
      if (Date.parse(entry.at) >= cutoff) {
        await floor.intake.accept(w.provider, [{ type: 'timeline.appended', entry }], 'poller');
      }
      w.seen.add(entry.id);
    }
  }

  private leaseName(w: Watch): string {
    return `poll:${w.topic}`;
  }
}
