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
 * write on libuv's thread pool and its hand-offs: at the default level (a line per GraphQL request)
 * that was a fifth of a list query's CPU.
 */
export const LOG_WRITE_BYTES = 4096;
/** The longest a line waits for others before it is written anyway. */
export const LOG_FLUSH_MS = 250;
/**
 * Unwritten log the gateway holds while stdout's reader does not keep up (a stalled pipe or log
 * collector); lines past it are dropped and counted, not held without bound.
 */
export const LOG_BUFFER_BYTES = 4 * 1024 * 1024;

export const loggerMetricsRegistry = new Registry();
const dropped = new Counter({
  name: 'opsorch_log_lines_dropped_total',
  help: `Log lines dropped because stdout did not take them and ${LOG_BUFFER_BYTES} bytes were already waiting`,
  registers: [loggerMetricsRegistry],
});

/**
 * Logs to stdout, or to stderr (file descriptor 2) when stdout carries a protocol (MCP on stdio),
 * where every line is written as it comes.
 */
export function createLogger(level = process.env.OPSORCH_LOG_LEVEL ?? 'info', fd: 1 | 2 = 1): Logger {
  const destination =
    fd === 2
      ? pino.destination({ dest: fd, sync: true })
      : pino.destination({
          dest: fd,
          sync: false,
          minLength: LOG_WRITE_BYTES,
          periodicFlush: LOG_FLUSH_MS,
          maxLength: LOG_BUFFER_BYTES,
        });
  destination.on('drop', () => dropped.inc());
  return pino(
    {
      level,
      base: { service: 'opsorch-gateway' },
      redact: { paths: REDACT, censor: '[redacted]' },
      // Keys catch credentials where we put them; values catch them wherever a provider echoed them.
      hooks: { streamWrite: redactSecrets },
    },
    destination,
  );
}

export type { Logger };
