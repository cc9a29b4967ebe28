/**
 * Runs the real OpsOrch Core binary on a loopback port of its own, for side-by-side checks.
 *
 * Core is told to listen on port 0, so the kernel gives it a port no one holds: choosing a free
 * port first and handing it over lets another process take it in between, and Core then exits
 * ("bind: address already in use") after logging that it listens, while a readiness check could be
 * answered by whoever took the port. Core does not say which port it got, so it is read from
 * `/proc`: the listening TCP socket among Core's own file descriptors (the binaries are Linux ones).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { OPSORCH_BIN } from './opsorch.js';

export const CORE_BINARY = join(OPSORCH_BIN, 'opsorch');

export interface CoreProcess {
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const STDERR_LINES = 50;

/** `/proc/net/tcp{,6}`'s state column for a listening socket. */
const LISTEN = '0A';

/** The port of a listening TCP socket the process holds, if it holds one yet. */
function listeningPort(pid: number): number | undefined {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return undefined; // gone: the caller hears of the exit
  }
  for (const fd of fds) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed since it was listed
    }
  }
  for (const table of ['tcp', 'tcp6']) {
    let rows: string[];
    try {
      rows = readFileSync(`/proc/${pid}/net/${table}`, 'utf8').trim().split('\n').slice(1);
    } catch {
      continue;
    }
    for (const row of rows) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      const [, local, , state, , , , , , inode] = row.trim().split(/\s+/);
      if (state === LISTEN && inode && inodes.has(inode) && local)
        return Number.parseInt(local.split(':')[1] ?? '', 16);
    }
  }
  return undefined;
}

export async function startCore(env: Record<string, string>): Promise<CoreProcess> {
  const child = spawn(CORE_BINARY, [], {
    env: { PATH: process.env.PATH ?? '', OPSORCH_ADDR: '127.0.0.1:0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`opsorch exited with ${code}: ${lines.join('\n')}`))),
  );
  // Rejections of `exited` after start-up are nobody's concern: stop() waits on the exit itself.
  exited.catch(() => undefined);
  const said = new Promise<void>((resolve) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      // The last lines only, for the error if Core exits: it may log every request for hours.
      if (lines.push(line) > STDERR_LINES) lines.shift();
      if (line.includes('listening')) resolve();
    });
  });
  // Core logs "listening" just before it binds: from then, look for its socket until it is there.
  // A deadline, not a count of looks: on a loaded machine Core may take longer than any number.
  const port = await Promise.race([
    exited,
    said.then(async () => {
      const deadline = performance.now() + 10_000;
      for (;;) {
        const found = child.pid === undefined ? undefined : listeningPort(child.pid);
        if (found !== undefined) return found;
        if (child.exitCode !== null) return await exited;
        if (performance.now() > deadline) throw new Error(`opsorch did not listen within 10 s: ${lines.join('\n')}`);
        await new Promise((r) => setImmediate(r));
      }
    }),
  ]).catch(async (err: unknown) => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    throw err;
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
