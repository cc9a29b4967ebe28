/**
 * Runs the gateway as `npm start` does (the compiled build, which the test setup makes first), in a
 * child process, and finds the URL it listens on.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface GatewayProcess {
  child: ChildProcess;
  url: string;
  base: string;
  logs: string[];
  stderr: string[];
  /** Resolves with the first log line, already written or still to come, that matches. */
  waitForLog(match: (line: string) => boolean, what: string): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export const ROOT = new URL('../..', import.meta.url).pathname;

let auditDir: string | undefined;
let spawned = 0;

/**
 * The environment of a gateway started from the build in `ROOT`, over `env`: the audit log (on by
 * default, `audit.log` in the working directory) goes to a file of its own under the system's
 * temporary directory instead of into the checkout, unless `env` says where.
 */
export function gatewayEnv(env: Record<string, string>): Record<string, string> {
  auditDir ??= mkdtempSync(join(tmpdir(), 'opsorch-test-audit-'));
  spawned += 1;
  return { PATH: process.env.PATH ?? '', OPSORCH_AUDIT_LOG: join(auditDir, `audit-${spawned}.log`), ...env };
}

/** `nodeArgs`: options for Node and V8 before the script, e.g. a trace. */
export function spawnGateway(env: Record<string, string>, nodeArgs: readonly string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, 'dist/src/main.js'], {
    cwd: ROOT,
    env: gatewayEnv({ OPSORCH_ADDR: '127.0.0.1:0', OPSORCH_LOG_LEVEL: 'info', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * A gateway process whose stdout is read until "gateway listening" and then no more: the pipe
 * fills with whatever it logs after.
 */
export async function spawnGatewayUnread(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawnGateway(env);
  const stdout = child.stdout!;
  let text = '';
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8');
  };
  stdout.on('data', onData);
  while (!text.includes('"msg":"gateway listening"')) await once(stdout, 'data');
  stdout.off('data', onData);
  stdout.pause();
  const listening = text.split('\n').find((line) => line.includes('gateway listening')) as string;
  return { child, url: (JSON.parse(listening) as { url: string }).url };
}

export async function startGatewayProcess(
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
): Promise<GatewayProcess> {
  const child = spawnGateway(env, nodeArgs);
  let closed = false;
  child.once('close', () => {
    closed = true;
  });
  const logs: string[] = [];
  const stderr: string[] = [];
  const listeners = new Set<(line: string) => void>();
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${stderr.join('\n')}`)), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logs.push(line);
      for (const listener of [...listeners]) listener(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.msg === 'gateway listening' && entry.url) {
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // not a log line of ours
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}: ${stderr.join('\n')}`));
    });
  });
  return {
    child,
    url,
    base: url.replace(/\/graphql$/, ''),
    logs,
    stderr,
    waitForLog(match, what) {
      const found = logs.find(match);
      if (found !== undefined) return Promise.resolve(found);
      if (closed) return Promise.reject(new Error(`gateway stopped without logging ${what}`));
      return new Promise((resolve, reject) => {
        // On 'close', not 'exit': the lines it wrote last may still be on their way at its exit.
        const onClose = () => reject(new Error(`gateway stopped without logging ${what}`));
        const listener = (line: string) => {
          if (!match(line)) return;
          listeners.delete(listener);
          child.off('close', onClose);
          resolve(line);
        };
        listeners.add(listener);
        child.once('close', onClose);
      });
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      // 'close', not 'exit': the exit can be told before the last log lines are read, and a test
      // reads them once the process has stopped.
      if (!closed) await once(child, 'close');
      return child.exitCode;
    },
  };
}
