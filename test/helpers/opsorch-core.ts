/** Runs the real OpsOrch Core binary on a free loopback port, for side-by-side checks. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** `shared/opsorch/bin/opsorch` beside the checkout, or beside a folder above it (a git worktree's). */
function findCore(): string {
  let dir = fileURLToPath(new URL('../..', import.meta.url));
  for (;;) {
    const candidate = join(dirname(dir), 'shared', 'opsorch', 'bin', 'opsorch');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error('OpsOrch Core not found: expected ../shared/opsorch/bin/opsorch');
    dir = dirname(dir);
  }
}

export const CORE_BINARY = findCore();

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
  // Core logs "listening" just before it binds: wait until a connection is accepted.
  for (let attempt = 0; ; attempt++) {
    try {
      await fetch(`${base}/`, { method: 'OPTIONS' });
      break;
    } catch (err) {
      if (attempt > 200) throw err;
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
