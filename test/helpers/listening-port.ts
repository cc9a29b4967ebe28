/**
 * The port a child process listens on, for servers told to listen on port 0.
 *
 * Choosing a free port first and handing it to the child lets another process take it in between:
 * the child then fails to start, or a readiness check is answered by whoever took the port. With
 * port 0 the kernel gives the child a port no one holds, and the listening TCP socket among the
 * child's own file descriptors in `/proc` says which, whatever the program (Node, Go) and whether
 * or not it logs its address (the binaries are Linux ones).
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/** `/proc/net/tcp{,6}`'s state column for a listening socket. */
const LISTEN = '0A';

/**
 * `/proc` offers nothing to wait on, so it is looked at again after this long: looking without a
 * pause would spend a core while a server loads, which takes seconds on a loaded machine.
 */
const LOOK_EVERY_MS = 20;

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
  if (inodes.size === 0) return undefined;
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

/**
 * Resolves with the port of the child's (only) listening TCP socket once it has one; rejects if the
 * child exits first or has none after `timeoutMs`. The caller names the child and adds its output.
 */
export async function childListeningPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  const { pid } = child;
  if (pid === undefined) {
    // Node reports why (a missing executable: ENOENT) on the next tick as an 'error' event, which
    // would end the whole test run as an unhandled error instead of failing the caller.
    const [err] = (await once(child, 'error')) as [Error];
    throw new Error(`did not start: ${err.message}`);
  }
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`exited with ${child.exitCode ?? child.signalCode} before it listened`);
    }
    const port = listeningPort(pid);
    if (port !== undefined) return port;
    if (performance.now() > deadline) throw new Error(`did not listen within ${timeoutMs / 1000} s`);
    await delay(LOOK_EVERY_MS);
  }
}
