import type { Incident } from '../../contract/index.js';
import type { IncidentMeta, World } from './model.js';
import { DEFAULT_SYMPTOM, SYMPTOM_BY_KEY, type Symptom } from './symptoms.js';
import { SEVERITY_WEIGHT } from './vocab.js';

/** When an incident's impact lasted: null end while it still hurts. */
export function impactWindow(
  incident: Incident,
  meta: IncidentMeta | undefined,
): { start: number; end: number | null } {
  const start = Date.parse(incident.createdAt) - (meta?.leadMs ?? 0);
  const resolved = incident.resolvedAt ? Date.parse(incident.resolvedAt) : null;
  const mitigated = meta?.mitigatedAt ?? null;
  const ends = [resolved, mitigated].filter((t): t is number => t !== null);
  return { start, end: ends.length > 0 ? Math.min(...ends) : null };
}

export interface Impact {
  start: number;
  end: number;
  /** 0..1, from the incident's severity. */
  weight: number;
  symptom: Symptom;
}

/** What is going wrong with a service, read from the incidents as they are now (mutations included). */
export function impactsOf(world: World, service: string): Impact[] {
  return world.incidents
    .filter((i) => i.service === service)
    .map((incident) => {
      const window = impactWindow(incident, world.incidentMeta.get(incident.id));
      return {
        start: window.start,
        end: window.end ?? Number.POSITIVE_INFINITY,
        weight: SEVERITY_WEIGHT[incident.severity],
        symptom: SYMPTOM_BY_KEY.get(world.incidentMeta.get(incident.id)?.symptom ?? '') ?? DEFAULT_SYMPTOM,
      };
    });
}

/** The strongest impact at an instant, if any. */
export function impactAt(impacts: readonly Impact[], t: number): Impact | undefined {
  let strongest: Impact | undefined;
  for (const impact of impacts) {
    if (t >= impact.start && t < impact.end && (!strongest || impact.weight > strongest.weight)) strongest = impact;
  }
  return strongest;
}
