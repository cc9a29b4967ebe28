/**
 * Gateway configuration from the environment, read the way OpsOrch Core reads it:
 * `OPSORCH_<CAP>_PROVIDER`, `OPSORCH_<CAP>_CONFIG` (JSON) and `OPSORCH_<CAP>_PLUGIN` (wins), plus
 * `OPSORCH_CONFIG_FILE` for several providers per capability. With nothing configured at all, the
 * seeded mock world serves every capability so `npm start` works out of the box.
 * Every problem is reported at start-up with the variable (and key) at fault.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { CAPABILITIES, type Capability, type LegacyWebhookSetting } from '../../adapters/contract/index.js';
import { legacyWebhookSettings } from '../../adapters/index.js';
import { type SecurityConfig, securityFromEnv } from '../auth/config.js';
import type { ReadCacheOptions } from '../data/read-cache.js';
import { readCacheFromEnv } from '../data/read-cache-config.js';
import { type Limits, limitsFromEnv } from '../limits.js';
import { applyLegacyWebhookSettings } from './legacy-webhooks.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface ProviderConfig {
  /** Instance name, as it appears in `Source.provider` and global IDs. */
  name: string;
  /** Adapter kind (`mock`, `pagerduty`, ...) or `plugin`. */
  kind: string;
  capabilities: Capability[];
  /** Raw config; secret references are resolved later, at adapter construction. */
  config: Record<string, unknown>;
  /** Executable path, for `plugin`. */
  plugin?: string;
}

export interface GatewayConfig {
  host: string;
  port: number;
  providers: ProviderConfig[];
  /** Canonical service name → names the providers use for it, by provider instance name or `*`. */
  serviceAliases: Record<string, Record<string, string[]>>;
  logLevel: string;
  /** Redis URL for cross-instance pub/sub; in-memory when absent. */
  pubsubUrl?: string;
  /** Whether the mock providers produce live timeline activity. */
  mockLive: boolean;
  /** Milliseconds in-flight requests get to finish on SIGTERM. */
  shutdownGraceMs: number;
  /** Serve GraphiQL on GET /graphql. */
  playground: boolean;
  /** Every bound on requests, clients, providers and plugins (`src/limits.ts`). */
  limits: Limits;
  /** MCP on `/mcp` and `opsorch-gateway mcp`: write tools only when enabled, answers capped in tokens. */
  mcp: { enabled: boolean; writes: boolean; maxTokens: number };
  /** Serve the schema as an Apollo Federation v2 subgraph (`_service`, `_entities`, `@key`s). */
  federation: boolean;
  /** Per-request batching and caching of provider reads; off only to measure what it saves. */
  dataloader: boolean;
  /** Sharing of identical in-flight provider reads across requests; off only to measure it. */
  singleFlight: boolean;
  /** The cross-request cache of slowly changing reads (`src/data/read-cache-config.ts`). */
  cache: ReadCacheOptions;
  /** How often watched timelines of providers that cannot push are polled; 0 turns polling off. */
  pollIntervalMs: number;
  /** WebSocket ping interval; a socket that misses a pong for as long is terminated. */
  wsKeepAliveMs: number;
  /** An event stream (SSE) whose client takes none of the bytes waiting for it for as long is closed; 0: never. */
  sseStallMs: number;
  /** Identity, CORS, TLS, audit and introspection (`src/auth/config.ts`). */
  security: SecurityConfig;
}

type Env = Record<string, string | undefined>;

const jsonObject = z.record(z.string(), z.unknown());

const fileSchema = z
  .object({
    providers: z
      .array(
        z
          .object({
            name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _ only'),
            kind: z.string().min(1),
            /** Empty for an instance that only takes webhooks (an Alertmanager without `alertmanagerURL`). */
            capabilities: z.array(z.enum(CAPABILITIES as [Capability, ...Capability[]])),
            config: jsonObject.default({}),
            plugin: z.string().min(1).optional(),
          })
          .strict(),
      )
      .default([]),
    serviceAliases: z.record(z.string(), z.record(z.string(), z.array(z.string()))).default({}),
  })
  .strict();

function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

export function parseAddr(value: string, variable = 'OPSORCH_ADDR'): { host: string; port: number } {
  const match = /^(.*):(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[2]) : Number.NaN;
  if (!match || port > 65535) {
    throw new ConfigError(`${variable}=${JSON.stringify(value)} must be host:port or :port, e.g. 127.0.0.1:4000`);
  }
  const host = (match[1] ?? '').replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? '0.0.0.0' : host, port };
}

function parseJsonObject(variable: string, raw: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new ConfigError(`${variable} is not valid JSON (${(err as Error).message})`);
  }
  const result = jsonObject.safeParse(parsed);
  if (!result.success) throw new ConfigError(`${variable} must be a JSON object`);
  return result.data;
}

function parseBoolean(env: Env, variable: string, fallback: boolean): boolean {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${variable}=${JSON.stringify(raw)} must be true or false`);
}

function parsePositiveInt(env: Env, variable: string, fallback: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigError(`${variable}=${JSON.stringify(raw)} must be a positive integer`);
  }
  return value;
}

/** Milliseconds, where 0 means off and anything shorter than `min` is a mistake. */
function parseInterval(env: Env, variable: string, fallback: number, min: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || (value !== 0 && value < min)) {
    throw new ConfigError(
      `${variable}=${JSON.stringify(raw)} must be 0 (off) or a whole number of milliseconds >= ${min}`,
    );
  }
  return value;
}

/** `plugin-<executable name>`: names the process, whichever capabilities it ends up serving. */
function pluginInstanceName(path: string): string {
  const file = basename(path).replace(/\.[^.]*$/, '');
  return `plugin-${file.toLowerCase().replace(/[^a-z0-9_-]+/g, '-') || 'unnamed'}`;
}

/** Per-capability variables. Capabilities that share kind and config share one adapter instance. */
function providersFromEnv(env: Env): { providers: ProviderConfig[]; any: boolean } {
  const providers: ProviderConfig[] = [];
  let any = false;
  for (const capability of CAPABILITIES) {
    const prefix = `OPSORCH_${capability.toUpperCase()}`;
    const plugin = env[`${prefix}_PLUGIN`]?.trim();
    const kindRaw = env[`${prefix}_PROVIDER`]?.trim();
    const configRaw = env[`${prefix}_CONFIG`];
    if (!plugin && !kindRaw) {
      if (configRaw)
        throw new ConfigError(`${prefix}_CONFIG is set but neither ${prefix}_PROVIDER nor ${prefix}_PLUGIN is`);
      continue;
    }
    any = true;
    if (!plugin && kindRaw === 'none') continue;
    const kind = plugin ? 'plugin' : (kindRaw as string);
    if (!/^[a-z][a-z0-9-]*$/.test(kind)) {
      throw new ConfigError(`${prefix}_PROVIDER=${JSON.stringify(kindRaw)} is not a provider name`);
    }
    const config = configRaw ? parseJsonObject(`${prefix}_CONFIG`, configRaw) : {};
    const shareKey = JSON.stringify([kind, plugin ?? null, config]);
    const shared = providers.find((p) => JSON.stringify([p.kind, p.plugin ?? null, p.config]) === shareKey);
    if (shared) {
      shared.capabilities.push(capability);
      continue;
    }
    const base = plugin ? pluginInstanceName(plugin) : kind;
    const name = providers.some((p) => p.name === base) ? `${base}-${capability}` : base;
    providers.push({ name, kind, capabilities: [capability], config, ...(plugin ? { plugin } : {}) });
  }
  return { providers, any };
}

function readConfigFile(path: string): z.infer<typeof fileSchema> {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `OPSORCH_CONFIG_FILE=${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const parsed = fileSchema.safeParse(parseJsonObject(`OPSORCH_CONFIG_FILE (${path})`, raw));
  if (!parsed.success) throw new ConfigError(`OPSORCH_CONFIG_FILE (${path}): ${describeZodError(parsed.error)}`);
  return parsed.data;
}

export function loadConfig(
  env: Env = process.env,
  legacy: Readonly<Record<string, LegacyWebhookSetting>> = legacyWebhookSettings,
): GatewayConfig {
  const { host, port } = parseAddr(env.OPSORCH_ADDR ?? '127.0.0.1:4000');
  const fromEnv = providersFromEnv(env);
  const file = env.OPSORCH_CONFIG_FILE ? readConfigFile(env.OPSORCH_CONFIG_FILE) : undefined;

  const providers = [...(file?.providers ?? [])];
  for (const p of fromEnv.providers) {
    if (providers.some((q) => q.name === p.name)) {
      throw new ConfigError(
        `provider name ${JSON.stringify(p.name)} is defined both in the environment and in OPSORCH_CONFIG_FILE`,
      );
    }
    providers.push(p);
  }
  const seen = new Set<string>();
  for (const p of providers) {
    if (seen.has(p.name))
      throw new ConfigError(`OPSORCH_CONFIG_FILE: provider name ${JSON.stringify(p.name)} is used twice`);
    seen.add(p.name);
    if (p.kind === 'plugin' && !p.plugin)
      throw new ConfigError(`provider ${p.name}: kind "plugin" needs "plugin" (the executable path)`);
  }

  const demo = !fromEnv.any && providers.length === 0;
  if (demo) providers.push({ name: 'mock', kind: 'mock', capabilities: [...CAPABILITIES], config: {} });
  const withWebhooks = applyLegacyWebhookSettings(providers, env, legacy, (message) => new ConfigError(message));

  const pubsubUrl = env.OPSORCH_PUBSUB_URL?.trim() || undefined;
  if (pubsubUrl && !/^rediss?:\/\//.test(pubsubUrl)) {
    throw new ConfigError('OPSORCH_PUBSUB_URL must be a redis:// or rediss:// URL');
  }

  const security = securityFromEnv(env, host);
  return {
    host,
    port,
    providers: withWebhooks,
    security,
    serviceAliases: file?.serviceAliases ?? {},
    logLevel: env.OPSORCH_LOG_LEVEL ?? 'info',
    ...(pubsubUrl ? { pubsubUrl } : {}),
    mockLive: parseBoolean(env, 'OPSORCH_MOCK_LIVE', demo),
    shutdownGraceMs: parsePositiveInt(env, 'OPSORCH_SHUTDOWN_GRACE_MS', 10_000),
    playground: parseBoolean(env, 'OPSORCH_PLAYGROUND', security.introspection),
    limits: limitsFromEnv(env, (message) => new ConfigError(message)),
    mcp: {
      enabled: parseBoolean(env, 'OPSORCH_MCP', true),
      writes: parseBoolean(env, 'OPSORCH_MCP_WRITES', false),
      maxTokens: parsePositiveInt(env, 'OPSORCH_MCP_MAX_TOKENS', 20_000),
    },
    federation: parseBoolean(env, 'OPSORCH_FEDERATION', false),
    dataloader: parseBoolean(env, 'OPSORCH_DATALOADER', true),
    singleFlight: parseBoolean(env, 'OPSORCH_SINGLE_FLIGHT', true),
    cache: {
      ...readCacheFromEnv(env, (message) => new ConfigError(message)),
      // With OPSORCH_PUBSUB_URL: entries shared with the other instances through Redis.
      shared: parseBoolean(env, 'OPSORCH_CACHE_SHARED', true),
    },
    pollIntervalMs: parseInterval(env, 'OPSORCH_POLL_INTERVAL_MS', 10_000, 100),
    wsKeepAliveMs: parseInterval(env, 'OPSORCH_WS_KEEPALIVE_MS', 12_000, 100),
    sseStallMs: parseInterval(env, 'OPSORCH_SSE_STALL_MS', 30_000, 100),
  };
}
