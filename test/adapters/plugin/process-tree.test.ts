/** A plugin's descendants, read from /proc, against real process trees. */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { descendants, signalDescendant } from '../../../adapters/plugin/process-tree.js';
import { waitFor } from './plugin-gateway.js';

const started: ChildProcess[] = [];

/**
 * A shell running `script`, in a process group of its own so the test can end all it started; it
 * says `up` on stdout once everything it starts is running.
 */
async function shell(script: string): Promise<ChildProcess> {
  const child = spawn('sh', ['-c', `${script}\necho up\nwait`], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  started.push(child);
  await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
  return child;
}

afterEach(() => {
  for (const child of started.splice(0)) {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // The group has ended already.
    }
  }
});

describe('descendants', () => {
  it('finds children and their children, each with its start time', async () => {
    const root = await shell(`sh -c 'sleep 60 & wait' &`);
    const names = () =>
      descendants(root.pid as number)
        .map((d) => readFileSync(`/proc/${d.pid}/comm`, 'utf8').trim())
        .sort();
    // The inner shell below the root, and its sleep below it.
    await waitFor(() => names().join() === 'sh,sleep', 'the inner shell and its sleep');
    for (const d of descendants(root.pid as number)) expect(d.start).toMatch(/^\d+$/);
  });

  it('stops at 256 processes', async () => {
    const root = await shell('for i in $(seq 300); do sleep 60 & done');
    expect(descendants(root.pid as number)).toHaveLength(256);
  });

  it('is empty for a process that started nothing, or is gone', async () => {
    const root = await shell(':');
    expect(descendants(root.pid as number)).toEqual([]);
    expect(descendants(2 ** 22 + 1)).toEqual([]);
  });
});

describe('signalDescendant', () => {
  it('signals the process it found, and refuses a process that only shares its ID', async () => {
    const root = await shell('sleep 60 &');
    const [sleeper] = descendants(root.pid as number);
    if (!sleeper) throw new Error('no sleep found');
    expect(signalDescendant({ ...sleeper, start: '1' }, 'SIGKILL')).toBe(false);
    expect(descendants(root.pid as number).map((d) => d.pid)).toContain(sleeper.pid);
    expect(signalDescendant(sleeper, 'SIGKILL')).toBe(true);
    await waitFor(() => !descendants(root.pid as number).some((d) => d.pid === sleeper.pid), 'the sleep to be reaped');
  });
});
