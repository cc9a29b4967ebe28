/**
 * Requests refused at the bounds on requests in flight, in the log without flooding it: the first
 * refusal after a quiet spell is logged at once, so an operator sees overload start; the rest are
 * counted and told in one line per interval while refusals go on, and a last one when they stop
 * (or when the gateway stops). A line names the client last refused for its share (an address or a
 * proxy's user, never a credential: the key never comes from one).
 */
import { LIMITS } from '../limits.js';
import type { Logger } from '../logger.js';

export type RefusedBy = 'gateway' | 'client';

/** A flood is told every 10 s: often enough to follow, seldom enough to read. */
const INTERVAL_MS = 10_000;

export class RefusalLog {
  private gateway = 0;
  private client = 0;
  private lastClient: string | undefined;
  /** When the previous line was written (or the log made): what a line counts is since then. */
  private since = Date.now();
  /** Set from one line until an interval later: refusals meanwhile wait for it. */
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly logger: Logger) {}

  /** `client`: whose share it was refused for, when it was. */
  refused(by: RefusedBy, client?: string): void {
    if (this.closed) return;
    if (by === 'gateway') this.gateway++;
    else {
      this.client++;
      this.lastClient = client;
    }
    if (this.timer === undefined) this.write();
  }

  /** Tells what is still untold; nothing is logged after. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.gateway + this.client > 0) this.line();
  }

  private write(): void {
    this.line();
    this.timer = setTimeout(this.tick, INTERVAL_MS).unref();
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    if (this.gateway + this.client > 0) this.write();
  };

  private line(): void {
    const now = Date.now();
    const refused = this.gateway + this.client;
    this.logger.warn(
      {
        refused,
        refusedForGateway: this.gateway,
        refusedForClient: this.client,
        ...(this.lastClient === undefined ? {} : { lastClientRefused: this.lastClient }),
        sinceMs: now - this.since,
      },
      `${refused} request${refused === 1 ? '' : 's'} refused at the bounds on requests in flight (${this.gateway} past ${LIMITS.maxRequestsInFlight.variable}, ${this.client} past ${LIMITS.maxRequestsInFlightPerClient.variable})`,
    );
    this.gateway = 0;
    this.client = 0;
    this.lastClient = undefined;
    this.since = now;
  }
}
