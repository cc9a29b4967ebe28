/**
 * Severity labels are free text in Alertmanager; teams use different words. A map from raw label
 * value to normalized severity serves both directions: normalizing an alert, and turning the
 * severities a caller asks for into the raw values one regex matcher selects.
 */
import type { Severity } from '../contract/index.js';

export const DEFAULT_SEVERITY_MAP: Record<string, Severity> = {
  critical: 'CRITICAL',
  page: 'CRITICAL',
  error: 'HIGH',
  high: 'HIGH',
  major: 'HIGH',
  warning: 'MEDIUM',
  warn: 'MEDIUM',
  medium: 'MEDIUM',
  minor: 'LOW',
  low: 'LOW',
  info: 'INFO',
  informational: 'INFO',
  none: 'INFO',
};

export class SeverityMap {
  private readonly toNormal = new Map<string, Severity>();

  constructor(map: Record<string, Severity>) {
    for (const [raw, severity] of Object.entries(map)) this.toNormal.set(raw.toLowerCase(), severity);
  }

  normalize(raw: string | undefined): Severity {
    return raw === undefined ? 'UNKNOWN' : (this.toNormal.get(raw.toLowerCase()) ?? 'UNKNOWN');
  }

  /** Raw values (lower case; matched case-insensitively) that normalize to any of these severities. */
  rawValues(severities: readonly Severity[]): string[] {
    return [...this.toNormal].filter(([, severity]) => severities.includes(severity)).map(([raw]) => raw);
  }
}
