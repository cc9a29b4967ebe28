/**
 * Scavenges in a gateway's `--trace-gc-nvp` output: how many, and the bytes they promoted to the
 * old generation (what outlived the young generation).
 */
export interface Scavenges {
  count: number;
  promoted: number;
}

export function scavengesIn(lines: readonly string[]): Scavenges {
  let count = 0;
  let promoted = 0;
  for (const line of lines) {
    if (!/\bgc=s\b/.test(line)) continue;
    const bytes = /\bpromoted=(\d+)/.exec(line)?.[1];
    if (bytes === undefined) continue;
    count++;
    promoted += Number(bytes);
  }
  return { count, promoted };
}
