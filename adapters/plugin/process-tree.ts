/**
 * A plugin's descendants, so the host can signal what a wrapper script started without `exec`:
 * plugins run in the gateway's own process group (see host.ts), so there is no group of theirs to
 * signal. Read from Linux's /proc; elsewhere a plugin has no descendants the host can see.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** A process, with its start time to tell it from a later process that reuses its ID. */
export interface Descendant {
  pid: number;
  start: string;
}

/** More would be a fork bomb, not a plugin: the walk stops there. */
const MAX_DESCENDANTS = 256;

/** Field 22 of /proc/<pid>/stat (start time in clock ticks), counted after the command's closing parenthesis. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function children(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(' ')) {
        if (child !== '') out.push(Number(child));
      }
    }
  } catch {
    // Gone already, or no /proc.
  }
  return out;
}

/** Every process below `pid` now (children, their children, ...), at most MAX_DESCENDANTS. */
export function descendants(pid: number): Descendant[] {
  const found: Descendant[] = [];
  const pending = children(pid);
  while (pending.length > 0 && found.length < MAX_DESCENDANTS) {
    const next = pending.shift() as number;
    const start = startTime(next);
    if (start === undefined) continue;
    found.push({ pid: next, start });
    pending.push(...children(next));
  }
  return found;
}

/** Signals the process if it is still the one found (its ID not reused since); false if it is gone. */
export function signalDescendant(target: Descendant, signal: NodeJS.Signals): boolean {
  if (startTime(target.pid) !== target.start) return false;
  try {
    process.kill(target.pid, signal);
    return true;
  } catch {
    return false;
  }
}
