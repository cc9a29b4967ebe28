/**
 * The audit trail: one JSON line per mutation and per denied request (and per read when enabled),
 * to a file rotated by size or to stdout or stderr. Lines carry IDs, never bodies or credentials.
 */
import { closeSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { logStream } from '../logger.js';
import { redactSecrets } from '../redaction.js';

export interface AuditEntry {
  requestId?: string | undefined;
  actor: string | null;
  /** GraphQL operation (name or root fields), or the HTTP/WebSocket route for edge denials. */
  operation?: string | undefined;
  /** What was attempted: `incident.update`, `read alert.query`, `http.authenticate`... */
  action: string;
  targets?: readonly string[];
  provider?: string;
  outcome: 'ok' | 'error' | 'denied';
  errorCode?: string;
  durationMs?: number;
}

export interface AuditConfig {
  /** A file path, `stdout`, `stderr`, or `off`. */
  destination: string;
  maxBytes: number;
  /** Rotated files kept besides the live one (`audit.log.1` is the newest). */
  keep: number;
  reads: boolean;
}

export interface AuditSink {
  write(line: string): void;
  close(): void;
}

/**
 * Destinations that are the process's streams. Their lines go out as its log lines do, under the
 * log's bound on what waits for a reader that does not keep up: every unauthenticated request
 * refused is a line, and a stalled reader must not make them memory.
 */
const STREAMS: Readonly<Record<string, 1 | 2>> = { stdout: 1, stderr: 2 };

export class AuditLog {
  constructor(
    private readonly sink: AuditSink | undefined,
    readonly reads = false,
  ) {}

  static from(config: AuditConfig | undefined): AuditLog {
    if (!config || config.destination === 'off') return new AuditLog(undefined);
    const stream = STREAMS[config.destination];
    const sink = stream
      ? { write: logStream(stream).write, close: () => {} }
      : new RotatingFile(config.destination, config.maxBytes, config.keep);
    return new AuditLog(sink, config.reads);
  }

  record(entry: AuditEntry): void {
    if (!this.sink) return;
    const line = {
      time: new Date().toISOString(),
      requestId: entry.requestId ?? null,
      actor: entry.actor,
      operation: entry.operation ?? null,
      action: entry.action,
      targets: entry.targets ?? [],
      provider: entry.provider ?? null,
      outcome: entry.outcome,
      errorCode: entry.errorCode ?? null,
      durationMs: entry.durationMs ?? null,
    };
    // Targets and codes come from providers too, which may echo a credential in them.
    this.sink.write(`${redactSecrets(JSON.stringify(line))}\n`);
  }

  close(): void {
    this.sink?.close();
  }
}

/**
 * Appends synchronously: audit lines are few (mutations, denials), and a line must be on disk
 * before the response that it describes leaves.
 */
export class RotatingFile implements AuditSink {
  /** Opened on the first line, so a gateway that audits nothing leaves no file behind. */
  private fd: number | undefined;
  private size = 0;

  constructor(
    private readonly path: string,
    private readonly maxBytes: number,
    private readonly keep: number,
  ) {}

  write(line: string): void {
    if (this.fd === undefined) {
      this.fd = openSync(this.path, 'a', 0o600);
      this.size = statSync(this.path).size;
    }
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    writeSync(this.fd, line);
    this.size += bytes;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private rotate(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    for (let i = this.keep - 1; i >= 1; i--) {
      try {
        renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      } catch {
        // Not there yet.
      }
    }
    if (this.keep > 0) renameSync(this.path, `${this.path}.1`);
    this.fd = openSync(this.path, this.keep > 0 ? 'a' : 'w', 0o600);
    this.size = 0;
  }
}
