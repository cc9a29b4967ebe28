/**
 * Starts the real gateway in front of a real plugin process, with a logger that keeps every line
 * so tests can check what reached the log (and what never may).
 */
import type { AdapterLogger, Capability } from '../../../adapters/contract/index.js';
import { createPluginAdapter, type PluginAdapter } from '../../../adapters/plugin/index.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';

export const FIXTURES = new URL('../../fixtures/plugins/', import.meta.url).pathname;

export interface LogLine {
  level: string;
  msg?: string;
  obj: object;
}

export function recordingLogger(lines: LogLine[]): AdapterLogger {
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, ...(msg === undefined ? {} : { msg }) });
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface PluginGateway {
  gateway: TestGateway;
  adapter: PluginAdapter;
  logs: LogLine[];
  /** Every plugin PID seen so far, to check none outlives the gateway. */
  pids: Set<number>;
  pid(): number;
  /**
   * Waits until a plugin process other than `previous` said `ready` on stderr (the misbehaving
   * fixture does once it reads its input) and returns its PID: a restarted plugin's start is not
   * part of the call a test times out, however long a busy machine makes it.
   */
  ready(previous?: number): Promise<number>;
}

export async function startPluginGateway(
  path: string,
  config: Record<string, unknown>,
  capabilities: Capability[],
  name = 'plugin-test',
): Promise<PluginGateway> {
  const logs: LogLine[] = [];
  const adapter = createPluginAdapter({ ...config, path, capabilities }, { name, logger: recordingLogger(logs) });
  const gateway = await startTestGateway([{ name, adapter, capabilities }]);
  const pids = new Set<number>();
  const pid = () => {
    const current = adapter.host.pid;
    if (current === undefined) throw new Error('plugin is not running');
    pids.add(current);
    return current;
  };
  const ready = async (previous?: number) => {
    const newest = (): number | undefined => {
      for (let i = logs.length - 1; i >= 0; i--) {
        const line = logs[i]?.obj as { pid?: number; stderr?: string };
        if (logs[i]?.msg === 'plugin stderr' && line.stderr === 'ready') return line.pid;
      }
      return undefined;
    };
    await waitFor(() => newest() !== undefined && newest() !== previous, 'a plugin to say ready');
    const current = newest() as number;
    pids.add(current);
    return current;
  };
  return { gateway, adapter, logs, pids, pid, ready };
}

/** True while a process with this PID exists (a zombie counts: it has not been reaped). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** Waits for a condition the host reaches on its own (e.g. a restart), failing after `limitMs`. */
export async function waitFor(condition: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
