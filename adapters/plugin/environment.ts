/**
 * The environment a plugin process starts with: the gateway's own, with `GOMAXPROCS=1` added unless
 * the gateway's environment sets it. The host gives a process one call at a time (the strict
 * exchange; a pool spreads calls over processes, not threads), so a Go plugin runs its Go code on
 * one processor. With more, the Go scheduler wakes an idle thread to look for work each time the
 * plugin wakes for a call: on OpsOrch's mock plugins serving the incident page on 2 cores, a fifth to
 * two fifths of the plugins' CPU (BENCHMARKS.md, 2026-12-02 midday). A plugin that answers concurrent
 * calls (the `id` extension) still does, on one processor; an operator who wants more sets
 * `GOMAXPROCS` for the gateway. Programs not written in Go ignore the variable.
 */
export function pluginEnvironment(gateway: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (gateway.GOMAXPROCS !== undefined) return gateway;
  return { ...gateway, GOMAXPROCS: '1' };
}
