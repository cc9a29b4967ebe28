/** Reads the gateway's own `/metrics`: provider calls are counted where they happen, in its process. */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export async function scrape(origin: string): Promise<Sample[]> {
  const response = await fetch(`${origin}/metrics`);
  if (!response.ok) throw new Error(`GET ${origin}/metrics answered ${response.status}`);
  return parseExposition(await response.text());
}

export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1] as string] = (pair[2] as string).replace(/\\(.)/g, '$1');
    }
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

export function total(samples: Sample[], name: string, where: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
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
