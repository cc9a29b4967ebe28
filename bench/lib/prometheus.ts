/** Reads the gateway's own `/metrics`: provider calls are counted where they happen, in its process. */
import { parseExposition, type Sample, total } from '../../test/helpers/metrics.js';

export { total };

export async function scrape(origin: string): Promise<Sample[]> {
  const response = await fetch(`${origin}/metrics`);
  if (!response.ok) throw new Error(`GET ${origin}/metrics answered ${response.status}`);
  return parseExposition(await response.text());
}

/** Provider calls so far, all providers and operations together. */
export async function providerCalls(origin: string): Promise<number> {
  return total(await scrape(origin), 'opsorch_provider_calls_total');
}

/** Provider calls by `capability.operation`, for showing where the calls went. */
export async function providerCallsByOperation(origin: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const s of await scrape(origin)) {
    if (s.name !== 'opsorch_provider_calls_total') continue;
    const key = `${s.labels.capability}.${s.labels.operation}`;
    out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}

export interface ProcessMemory {
  heapUsedBytes: number;
  /**
   * The heap outside V8's young generation (`new_space`): right after a full collection, what is
   * live. The young generation then holds only what was allocated since (under load, megabytes).
   */
  heapOldBytes: number;
  residentBytes: number;
}

export async function processMemory(origin: string): Promise<ProcessMemory> {
  const samples = await scrape(origin);
  return {
    heapUsedBytes: total(samples, 'nodejs_heap_size_used_bytes'),
    heapOldBytes:
      total(samples, 'nodejs_heap_size_used_bytes') -
      total(samples, 'nodejs_heap_space_size_used_bytes', { space: 'new' }),
    residentBytes: total(samples, 'process_resident_memory_bytes'),
  };
}

export function diffCounts(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) {
    const d = v - (before[k] ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}
