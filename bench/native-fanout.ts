/**
 * The kernel's fan-out floor (`bare/fanout.c`): one small message to each of the subscribers'
 * loopback TCP sockets and read back, by two C processes with nothing but system calls between
 * them. Below the `ws` floor (`fanoutFloor`): what any server and client on this machine, in any
 * language, spend to move the same number of messages, so a latency target under it cannot be met
 * here whatever the gateway does.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SOURCE = fileURLToPath(new URL('./bare/fanout.c', import.meta.url));
/** About the `ws` floor's `next` frame for a timeline entry; a loopback segment costs the same up to a page. */
const MESSAGE_BYTES = 128;
const WARMUP_ROUNDS = 3;

export interface KernelFloor {
  p50Ms: number;
  p99Ms: number;
  serverCpuMsPerRound: number;
  clientCpuMsPerRound: number;
  messageBytes: number;
}

/** Undefined when the machine has no C compiler (`cc`): the figure is then reported as not measured. */
export async function kernelFanoutFloor(opts: {
  subscribers: number;
  rounds: number;
}): Promise<KernelFloor | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'opsorch-fanout-'));
  try {
    const binary = join(dir, 'fanout');
    try {
      await run('cc', ['-O2', '-o', binary, SOURCE]);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const args = [opts.subscribers, opts.rounds, MESSAGE_BYTES, WARMUP_ROUNDS].map(String);
    const { stdout } = await run(binary, args, { timeout: 300_000 });
    const floor = JSON.parse(stdout) as Omit<KernelFloor, 'messageBytes'>;
    return { ...floor, messageBytes: MESSAGE_BYTES };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
