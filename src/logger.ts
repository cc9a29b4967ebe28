import pino, { type Logger } from 'pino';
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
    pino.destination({ dest: fd, sync: fd === 2 }),
  );
}

export type { Logger };
