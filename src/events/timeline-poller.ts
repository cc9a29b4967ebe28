/**
 * Polling for providers that cannot push: while an incident's timeline topic has subscribers in
 * this process, its provider timeline is fetched every interval and entries not seen before are
 * published. Providers whose adapter pushes events (`onEvent`) are left alone. With several
 * instances, a lease per incident makes one instance poll while the others only listen; when the
 * poller stops or dies, another instance with subscribers takes the lease over.
 *
 * Bounded: at most `maxPolled` incidents are polled (a subscription that would add one more is
 * refused before it starts, see `refusal`), and each remembers the IDs of at most `maxRemembered`
 * of its newest entries; older ones are judged by their time.
 */

import type { DataFloor } from '../data/floor.js';
import { limitExceeded } from '../graphql/limits/limit-error.js';
import type { Logger } from '../logger.js';
import type { PubSub } from './pubsub.js';
import { type RecordRef, timelineTopicIncident, topics } from './topics.js';

export interface TimelinePollerOptions {
  /** Polls read through the floor and hand what is new to its intake. */
  floor: DataFloor;
  pubsub: PubSub;
  logger: Logger;
  intervalMs: number;
  /** Incidents polled at once; subscriptions that would add one more are refused. */
  maxPolled: number;
  /** Entry IDs remembered per incident, newest first. */
  maxRemembered: number;
}

/** Provider clocks and ours disagree a little; entries this much older than the watch still count. */
const CLOCK_SKEW_MS = 5000;

interface Watch {
  topic: string;
  provider: string;
  incidentId: string;
  /** When the first local subscriber appeared: older entries are history, not news. */
  startedAt: number;
  /** IDs of the newest entries of the last poll, at most `maxRemembered`. */
  seen: Set<string>;
  /** The newest time among entries forgotten for the bound: anything not newer is history. */
  forgottenThrough: number;
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
  /** Entry IDs remembered across every watched incident. */
  remembered: number;
}

export class TimelinePoller {
  private readonly watches = new Map<string, Watch>();
  private readonly leaseTtlMs: number;
  private unlisten: (() => void) | undefined;
  private started = false;

  constructor(private readonly options: TimelinePollerOptions) {
    // Three missed renewals before another instance may take over.
    this.leaseTtlMs = Math.max(3 * options.intervalMs, 1000);
  }

  start(): void {
    this.started = true;
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
    let remembered = 0;
    for (const w of this.watches.values()) {
      if (w.holding) polling += 1;
      remembered += w.seen.size;
    }
    return { watched: this.watches.size, polling, remembered };
  }

  /**
   * Why a new subscriber of this incident's timeline may not start, or null: only an incident not
   * yet polled needs room under the cap.
   */
  refusal(incident: RecordRef): Error | null {
    if (!this.started || !this.polls(incident.provider)) return null;
    if (this.watches.has(topics.timeline(incident)) || this.watches.size < this.options.maxPolled) return null;
    return limitExceeded('maxPolledIncidents', this.watches.size + 1, this.options.maxPolled);
  }

  private polls(provider: string): boolean {
    const { floor } = this.options;
    return floor.serves(provider, 'incident') && !floor.pushes(provider);
  }

  private watch(topic: string): void {
    const incident = timelineTopicIncident(topic);
    if (!incident || this.watches.has(topic) || !this.polls(incident.provider)) return;
    // Subscriptions are admitted through `refusal`; a topic opened past it is still never polled.
    if (this.watches.size >= this.options.maxPolled) {
      this.options.logger.warn(
        { topic, maxPolled: this.options.maxPolled },
        'timeline not polled: polling cap reached',
      );
      return;
    }
    const { provider, nativeId } = incident;
    const w: Watch = {
      topic,
      provider,
      incidentId: nativeId,
      startedAt: Date.now(),
      seen: new Set(),
      forgottenThrough: Number.NEGATIVE_INFINITY,
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
      const at = Date.parse(entry.at);
      if (w.seen.has(entry.id) || at <= w.forgottenThrough || !(at >= cutoff)) continue;
      await floor.intake.accept(w.provider, [{ type: 'timeline.appended', entry }], 'poller');
    }
    // What this poll returned is what the next one is compared with: the newest entries by ID, the
    // rest by time, so the memory per incident stays bounded however long its timeline grows.
    const { maxRemembered } = this.options;
    w.seen = new Set(timeline.slice(0, maxRemembered).map((entry) => entry.id));
    for (const entry of timeline.slice(maxRemembered)) {
      const at = Date.parse(entry.at);
      if (at > w.forgottenThrough) w.forgottenThrough = at;
    }
  }

  private leaseName(w: Watch): string {
    return `poll:${w.topic}`;
  }
}
