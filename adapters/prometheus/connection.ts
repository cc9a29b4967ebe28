/**
 * Connection settings shared by Prometheus and Alertmanager (same ecosystem, same auth and TLS
 * options), validated with errors that name the bad key and never echo a secret value, and turned
 * into the shared HTTP client.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { createHttpClient, type HttpClient } from '../http/index.js';

export const connectionShape = {
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  bearerToken: z.string().min(1).optional(),
  caFile: z.string().min(1).optional(),
  timeoutMs: z.number().int().min(100).max(300_000).default(10_000),
  maxConcurrency: z.number().int().min(1).max(64).default(4),
};

export const promLabel = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name');

export const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:\/\//i.test(value), 'must be an http:// or https:// URL')
  .refine((value) => !new URL(value).username && !new URL(value).password, 'must not embed credentials')
  .transform((value) => value.replace(/\/+$/, ''));

type ConnectionInput = {
  username?: string | undefined;
  password?: string | undefined;
  bearerToken?: string | undefined;
  caFile?: string | undefined;
  timeoutMs: number;
  maxConcurrency: number;
};

export class ConfigKeyError extends Error {
  override name = 'ConfigKeyError';
}

/** Parses a config object, reporting every problem by key. */
export function parseConfig<S extends z.ZodType>(schema: S, raw: Record<string, unknown>): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ConfigKeyError(
    parsed.error.issues
      .map((issue) => `${issue.path.length ? issue.path.join('.') : '(config)'}: ${issue.message}`)
      .join('; '),
  );
}

export function connect(product: string, baseUrl: string, config: ConnectionInput): HttpClient {
  if ((config.username === undefined) !== (config.password === undefined)) {
    const missing = config.username === undefined ? 'username' : 'password';
    throw new ConfigKeyError(`${missing}: basic auth needs both username and password`);
  }
  if (config.bearerToken !== undefined && config.username !== undefined) {
    throw new ConfigKeyError('bearerToken: give either bearerToken or username/password, not both');
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  if (config.bearerToken !== undefined) headers.authorization = `Bearer ${config.bearerToken}`;
  if (config.username !== undefined && config.password !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${config.username}:${config.password}`).toString('base64')}`;
  }
  const ca = config.caFile === undefined ? undefined : readCa(config.caFile);
  return createHttpClient({
    baseUrl,
    provider: product,
    headers,
    timeoutMs: config.timeoutMs,
    ...(ca ? { ca } : {}),
    secrets: [config.password, config.bearerToken].filter((s): s is string => s !== undefined),
  });
}

function readCa(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigKeyError(`caFile: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    throw new ConfigKeyError(`caFile: ${path} holds no PEM certificate`);
  return pem;
}
