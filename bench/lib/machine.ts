/** The machine a run was measured on, recorded next to the figures. */
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export function machine(): Record<string, string | number> {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
  } catch {
    // not Linux: os.cpus() is good enough
  }
  return {
    'machine.cpus': cpus().length,
    'machine.cpuModel': model,
    'machine.memoryGiB': Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    'machine.node': process.version,
    'machine.platform': `${process.platform}-${process.arch}`,
  };
}
