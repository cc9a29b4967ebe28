/**
 * CPU time a server process has used, from /proc: on a shared two-core machine, CPU milliseconds
 * per request stay comparable when throughput swings with whatever else is running.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports utime and stime in clock ticks, 100 per second on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/**
 * CPU time of a process and its direct children (a server and the plugin processes it started).
 * A child is listed under the thread that forked it, which in a Go program can be any thread.
 */
export function treeCpuMs(pid: number): number {
  const children = new Set<number>();
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ')) {
        if (child.trim() !== '') children.add(Number(child));
      }
    } catch {
      // the thread ended in between
    }
  }
  let total = cpuMs(pid);
  for (const child of children) {
    try {
      total += cpuMs(child);
    } catch {
      // exited in between
    }
  }
  return total;
}
