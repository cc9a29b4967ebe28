/**
 * Deep links into the Prometheus graph page, showing the same expression over the same window.
 * The page decodes its parameters with decodeURIComponent, so they are percent-encoded (a `+`
 * for a space would stay a `+`).
 */
export function graphLink(base: string, expr: string, start: string, end: string, step: number): string {
  const seconds = Math.max(1, Math.round((Date.parse(end) - Date.parse(start)) / 1000));
  const endInput = uiTime(end);
  const params: [string, string][] = [
    ['g0.expr', expr],
    ['g0.tab', '0'],
    ['g0.range_input', `${seconds}s`],
    ['g0.end_input', endInput],
    ['g0.moment_input', endInput],
    ['g0.step_input', String(step)],
  ];
  return `${base}/graph?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
}

/** The graph page's own time format: `YYYY-MM-DD HH:mm:ss`, UTC. */
function uiTime(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
}
