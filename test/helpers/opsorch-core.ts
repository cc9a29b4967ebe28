/**
 * Runs the real OpsOrch Core binary on a loopback port of its own, for side-by-side checks.
 *
 * Core is told to listen on port 0 and its port is read back from `/proc` (see `listening-port.ts`):
 * a port found free and handed over could be taken in between, and Core then exits ("bind: address
 * already in use") after logging that it listens. Core does not say which port it got: it logs the
 * address it was given.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { childListeningPort } from './listening-port.js';
import { OPSORCH_BIN } from './opsorch.js';

export const CORE_BINARY = join(OPSORCH_BIN, 'opsorch');

export interface CoreProcess {
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const STDERR_LINES = 50;

/** A deadline, not a count of looks: on a loaded machine Core may take longer than any number. */
const START_MS = 30_000;

export async function startCore(env: Record<string, string>): Promise<CoreProcess> {
  const child = spawn(CORE_BINARY, [], {
    env: { PATH: process.env.PATH ?? '', OPSORCH_ADDR: '127.0.0.1:0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: string[] = [];
  // The last lines only, for the error if Core exits: it may log every request for hours.
  createInterface({ input: child.stderr! }).on('line', (line) => {
    if (lines.push(line) > STDERR_LINES) lines.shift();
  });
  const port = await childListeningPort(child, START_MS).catch(async (err: unknown) => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    throw new Error(`opsorch ${(err as Error).message}: ${lines.join('\n')}`);
  });
  return {
    base: `http://127.0.0.1:${port}`,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
