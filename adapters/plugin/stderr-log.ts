/**
 * A plugin's stderr in the gateway log, bounded: each line cut at a maximum length, at most so
 * many lines per window, and the lines held back counted and reported instead of logged. A plugin
 * that floods stderr costs the log a few lines, not its disk or the event loop.
 */
import type { AdapterLogger } from '../contract/index.js';
import { redact } from './redact.js';

export interface StderrLogOptions {
  plugin: string;
  logger: AdapterLogger;
  secrets: ReadonlySet<string>;
  /** Lines logged per window; the rest are counted. */
  maxLines: number;
  windowMs: number;
}

export class StderrLog {
  private windowStart = Number.NEGATIVE_INFINITY;
  private logged = 0;
  private suppressed = 0;

  constructor(private readonly options: StderrLogOptions) {}

  line(pid: number | undefined, text: string, now = Date.now()): void {
    this.write(pid, { stderr: redact(text, this.options.secrets) }, now);
  }

  /** The first bytes of a line over the length limit; the rest of it never reaches the log. */
  truncated(pid: number | undefined, head: string, maxBytes: number, now = Date.now()): void {
    this.write(pid, { stderr: redactCut(head, this.options.secrets), truncatedAtBytes: maxBytes }, now);
  }

  /** Reports the lines held back so far (when the window ends, and when the process exits). */
  flush(pid: number | undefined): void {
    if (this.suppressed === 0) return;
    const { plugin, logger, maxLines, windowMs } = this.options;
    logger.warn(
      { plugin, pid, suppressedLines: this.suppressed, maxLines, windowMs },
      'plugin stderr lines over the logging rate were not logged',
    );
    this.suppressed = 0;
  }

  private write(pid: number | undefined, fields: Record<string, unknown>, now: number): void {
    const { plugin, logger, maxLines, windowMs } = this.options;
    if (now - this.windowStart >= windowMs) {
      this.flush(pid);
      this.windowStart = now;
      this.logged = 0;
    }
    if (this.logged >= maxLines) {
      this.suppressed += 1;
      return;
    }
    this.logged += 1;
    logger.warn({ plugin, pid, ...fields }, 'plugin stderr');
    if (this.logged === maxLines) {
      logger.warn(
        { plugin, pid, maxLines, windowMs },
        'plugin stderr reached its logging rate; counting lines instead',
      );
    }
  }
}

/** Redacts a text cut at an arbitrary byte, where a secret's first characters may end it. */
function redactCut(head: string, secrets: ReadonlySet<string>): string {
  const out = redact(head, secrets);
  for (const secret of secrets) {
    for (let k = Math.min(secret.length - 1, out.length); k > 0; k--) {
      if (out.endsWith(secret.slice(0, k))) return `${out.slice(0, -k)}[redacted]`;
    }
  }
  return out;
}
