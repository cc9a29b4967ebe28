import pino, { type Logger } from 'pino';

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

export function createLogger(level = process.env.OPSORCH_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'opsorch-gateway' }, redact: { paths: REDACT, censor: '[redacted]' } });
}

export type { Logger };
