/**
 * Deep links into the Alertmanager UI. The alert link filters the alerts page to the alert's
 * exact label set and shows silenced and inhibited alerts too, so it still finds the alert after
 * someone silenced it.
 */
import { matcherString } from './matchers.js';

export function alertLink(ui: string, labels: Record<string, string>): string {
  const filter = `{${Object.keys(labels)
    .sort()
    .map((name) => matcherString(name, '=', labels[name] as string))
    .join(',')}}`;
  return `${ui}/#/alerts?silenced=true&inhibited=true&filter=${encodeURIComponent(filter)}`;
}

export function silenceLink(ui: string, id: string): string {
  return `${ui}/#/silences/${encodeURIComponent(id)}`;
}
