import { type Rng, UPPER_ALNUM } from './rng.js';

/** Native IDs in each tool's own shape, unique within one world. */
export interface IdFactory {
  /** PagerDuty-style object ID, e.g. `P1A2B3C`. */
  pagerduty(): string;
  /** PagerDuty log entry ID, e.g. `R3F9K2...`. */
  logEntry(): string;
  /** Alertmanager fingerprint: 16 hex digits. */
  fingerprint(): string;
  uuid(): string;
}

export function createIdFactory(rng: Rng): IdFactory {
  const used = new Set<string>();
  const unique = (make: () => string): string => {
    for (;;) {
      const id = make();
      if (!used.has(id)) {
        used.add(id);
        return id;
      }
    }
  };
  const hex = (n: number) => rng.chars('0123456789abcdef', n);
  return {
    pagerduty: () => unique(() => `P${rng.chars(UPPER_ALNUM, 6)}`),
    logEntry: () => unique(() => `R${rng.chars(UPPER_ALNUM, 13)}`),
    fingerprint: () => unique(() => hex(16)),
    uuid: () => unique(() => `${hex(8)}-${hex(4)}-4${hex(3)}-${rng.pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`),
  };
}
