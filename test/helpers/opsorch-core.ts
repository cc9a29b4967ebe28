/** Runs the real OpsOrch Core binary on a free loopback port, for side-by-side checks. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { OPSORCH_BIN } from './opsorch.js';

export const CORE_BINARY = join(OPSORCH_BIN, 'opsorch');

export interface CoreProcess {
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export async function startCore(env: Record<string, string>): Promise<CoreProcess> {
  const port = await freePort();
  const child = spawn(CORE_BINARY, [], {
    env: { PATH: process.env.PATH ?? '', OPSORCH_ADDR: `127.0.0.1:${port}`, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      lines.push(line);
      if (line.includes('listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`opsorch exited with ${code}: ${lines.join('\n')}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  // Core logs "listening" just before it binds: wait until a connection is accepted. A deadline,
  // not a count of attempts: on a loaded machine Core may take longer than any number of refusals.
  const deadline = performance.now() + 10_000;
  for (;;) {
    try {
      await fetch(`${base}/`, { method: 'OPTIONS' });
      break;
    } catch (err) {
      if (performance.now() > deadline || child.exitCode !== null) throw err;
      await new Promise((r) => setImmediate(r));
    }
  }
  return {
    base,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
