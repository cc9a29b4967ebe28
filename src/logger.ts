import { writeSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import { Counter, Registry } from 'prom-client';
import { redactSecrets } from './redaction.js';

/** Keys whose values are never logged, wherever they appear in a logged object. */
const REDACT = [
  'config',
  '*.config',
  'token',
  '*.token',
  'apiToken',
  '*.apiToken',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
];

/**
 * Log lines gather to this many bytes before they are written. Written one by one, each line was a
 * write and its hand-offs: at the default level (a line per GraphQL request) that was a fifth of a
 * list query's CPU.
 */
export const LOG_WRITE_BYTES = 4096;
/** The longest a line waits for others before it is written anyway. */
export const LOG_FLUSH_MS = 250;
/**
 * Unwritten log the gateway holds while the log's reader does not keep up (a stalled pipe or log
 * collector); lines past it are dropped and counted, not held without bound.
 */
export const LOG_BUFFER_BYTES = 4 * 1024 * 1024;
/** How long the log's last lines may wait for their reader at shutdown before they are dropped. */
export const LOG_EXIT_WAIT_MS = 1000;

export const loggerMetricsRegistry = new Registry();
const dropped = new Counter({
  name: 'opsorch_log_lines_dropped_total',
  help: `Log lines dropped because ${LOG_BUFFER_BYTES} bytes already waited for the log's reader, or the reader had gone`,
  registers: [loggerMetricsRegistry],
});

/**
 * The log's way to stdout or stderr: lines gathered into batches written to Node's own stream for
 * it. Node opens a pipe or socket there non-blocking and writes it from the event loop as the
 * reader takes it. pino's file-descriptor destination wrote a blocking pipe: from libuv's thread
 * pool (stdout), where a reader that stalled held a pool thread that the process's exit then waited
 * for, for ever; or synchronously (stderr), where it stopped the whole gateway.
 */
class LogSink {
  private batch = '';
  private timer: NodeJS.Timeout | undefined;
  private broken = false;

  constructor(
    private readonly fd: 1 | 2,
    private readonly out: NodeJS.WriteStream,
  ) {
    // A reader that has gone (EPIPE) ends the log; unheard, the error would end the process.
    this.out.on('error', () => {
      this.broken = true;
      this.batch = '';
    });
    // Node drops a pipe's queued writes at exit. The last batch goes out with the process if
    // the stream takes it at once, as a crash's last lines should; a stalled reader does not hold it.
    process.on('exit', () => {
      if (this.broken || this.batch === '' || this.out.writableLength > 0) return;
      try {
        writeSync(this.fd, this.batch);
      } catch {
        // The pipe is full or gone: the process is leaving either way.
      }
    });
  }

  write(line: string): void {
    if (this.broken || this.out.writableLength + this.batch.length + line.length > LOG_BUFFER_BYTES) {
      dropped.inc();
      return;
    }
    this.batch += line;
    if (this.batch.length >= LOG_WRITE_BYTES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), LOG_FLUSH_MS).unref();
  }

  /** Hands the batch to the stream now (pino's `logger.flush()`). */
  flush(done?: () => void): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch !== '') {
      this.out.write(this.batch);
      this.batch = '';
    }
    done?.();
  }

  /** Resolves once the stream has taken everything, or after `waitMs`, whichever comes first. */
  async end(waitMs: number): Promise<void> {
    this.flush();
    if (this.broken || this.out.writableLength === 0) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.out.off('drain', done).off('error', done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      this.out.once('drain', done).once('error', done);
    });
  }
}

/** One sink per stream, whichever loggers write to it. */
const sinks = new Map<1 | 2, LogSink>();

function sinkFor(fd: 1 | 2): LogSink {
  let sink = sinks.get(fd);
  if (!sink) {
    sink = new LogSink(fd, fd === 1 ? process.stdout : process.stderr);
    sinks.set(fd, sink);
  }
  return sink;
}

/**
 * Writes whole lines to the log's stream `fd` beside its log lines: under the same bound on what
 * waits for the reader, dropped and counted past it (the audit trail on stdout).
 */
export function logStream(fd: 1 | 2): { write(line: string): void } {
  const sink = sinkFor(fd);
  return { write: (line) => sink.write(line) };
}

/** Logs to stdout, or to stderr (file descriptor 2) when stdout carries a protocol (MCP on stdio). */
export function createLogger(level = process.env.OPSORCH_LOG_LEVEL ?? 'info', fd: 1 | 2 = 1): Logger {
  return pino(
    {
      level,
      base: { service: 'opsorch-gateway' },
      redact: { paths: REDACT, censor: '[redacted]' },
      // Keys catch credentials where we put them; values catch them wherever a provider echoed them.
      hooks: { streamWrite: redactSecrets },
    },
    sinkFor(fd),
  );
}

/**
 * Writes what the log holds, waiting at most `waitMs` for its reader to take it: what a stalled
 * reader has not taken by then is dropped with the process.
 */
export async function endLog(waitMs = LOG_EXIT_WAIT_MS): Promise<void> {
  await Promise.all([...sinks.values()].map((sink) => sink.end(waitMs)));
}

export type { Logger };
