/**
 * `OPSORCH_<CAP>_PLUGIN=/path/to/executable`: a provider running as a child process that speaks
 * the OpsOrch plugin protocol. The registry passes the capability's config plus `path` and
 * `capabilities`; the config as the operator wrote it is what the plugin receives with each call.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { z } from 'zod';
import {
  type Adapter,
  type AdapterEnvironment,
  CAPABILITIES,
  type CallContext,
  type Capability,
  type Health,
} from '../contract/index.js';
import { buildCapabilities } from './capabilities.js';
import { HeldAnswers } from './held-answers.js';
import { PluginPool } from './pool.js';

const hostOptions = z.object({
  path: z.string().min(1, 'must be the path of an executable'),
  capabilities: z
    .array(z.enum(CAPABILITIES as [Capability, ...Capability[]]))
    .min(1)
    .optional(),
  timeoutMs: z.number().int().positive().max(600_000).default(10_000),
  maxQueue: z.number().int().positive().max(100_000).default(256),
  /** Copies of the plugin process; more than one only for plugins that keep no state between calls. */
  processes: z.number().int().min(1).max(16).default(1),
  killGraceMs: z.number().int().positive().max(60_000).default(2_000),
  restartInitialMs: z.number().int().positive().max(60_000).default(100),
  restartMaxMs: z.number().int().positive().max(600_000).default(30_000),
  // Under V8's string limit with room to spare; a list answer of `maxList` records fits well.
  maxStdoutLineBytes: z
    .number()
    .int()
    .min(1024)
    .max(256 * 1024 * 1024)
    .default(32 * 1024 * 1024),
  maxStderrLineBytes: z
    .number()
    .int()
    .min(80)
    .max(1024 * 1024)
    .default(4096),
  stderrLogLines: z.number().int().positive().max(100_000).default(100),
  stderrLogWindowMs: z.number().int().positive().max(3_600_000).default(60_000),
  /** Characters of answer records kept to be found again, with their parsed values (`held-answers.ts`); 0 keeps none. */
  heldAnswerBytes: z
    .number()
    .int()
    .min(0)
    .max(1024 * 1024 * 1024)
    .default(4 * 1024 * 1024),
  /** Records one list call asks the plugin for (`limit`); lists are sorted and paged here. */
  maxList: z.number().int().min(2).max(100_000).default(1_000),
});

export interface PluginAdapter extends Adapter {
  /** The plugin's processes, for health and for tests that watch the child processes. */
  readonly host: PluginPool;
  close(): Promise<void>;
}

function checkExecutable(path: string): void {
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    accessSync(path, constants.X_OK);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new Error(`config key "path": ${JSON.stringify(path)} is not an executable file (${reason})`);
  }
}

export function createPluginAdapter(config: Record<string, unknown>, env: AdapterEnvironment): PluginAdapter {
  const parsed = hostOptions.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`config key "${issue?.path.join('.') ?? '(root)'}": ${issue?.message ?? 'invalid'}`);
  }
  const options = parsed.data;
  checkExecutable(options.path);
  // `path` and `capabilities` come from the registry, not from the operator's config.
  const { path: _path, capabilities: _capabilities, ...pluginConfig } = config;
  const heldAnswers = options.heldAnswerBytes > 0 ? new HeldAnswers(options.heldAnswerBytes) : undefined;
  const host = new PluginPool(
    {
      name: env.name,
      path: options.path,
      config: pluginConfig,
      logger: env.logger,
      timeoutMs: options.timeoutMs,
      maxQueue: options.maxQueue,
      killGraceMs: options.killGraceMs,
      restartInitialMs: options.restartInitialMs,
      restartMaxMs: options.restartMaxMs,
      maxStdoutLineBytes: options.maxStdoutLineBytes,
      maxStderrLineBytes: options.maxStderrLineBytes,
      stderrLogLines: options.stderrLogLines,
      stderrLogWindowMs: options.stderrLogWindowMs,
      ...(heldAnswers ? { heldAnswers } : {}),
    },
    options.processes,
  );
  const capabilities = buildCapabilities(
    {
      call: (method, payload, signal) => host.call(method, payload, signal),
      concurrent: () => host.size > 1 || host.extensions.has('id'),
    },
    options.capabilities ?? CAPABILITIES,
    { maxRecords: options.maxList },
  );
  return {
    kind: 'plugin',
    host,
    capabilities,
    checkHealth: (ctx: CallContext): Promise<Health> => host.checkHealth(ctx.signal),
    status: () => ({
      processes: host.pids.length,
      restarts: host.restartCount,
      heldAnswerChars: heldAnswers?.keptLength ?? 0,
    }),
    close: () => host.close(),
  };
}
