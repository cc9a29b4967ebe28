/**
 * The secrets this process holds (provider credentials from config and secret references, OpsOrch
 * Core's bearer token) and the one function that masks them, in every encoding a provider or
 * library plausibly produces (`adapters/http/secret-forms.ts`), wherever text leaves the gateway:
 * log lines, GraphQL errors on every transport, provider health messages and audit lines.
 * Adapters mask what they know first; this is the net behind them.
 */
import { maskSecrets, type SecretPatterns, secretPatterns } from '../adapters/http/secret-forms.js';

/** Rotations add values; the oldest go first past this many (a rotated-out secret is dead). */
const MAX_SECRETS = 256;

const secrets = new Set<string>();
let patterns: SecretPatterns = secretPatterns([]);

export function rememberSecrets(values: Iterable<string>): void {
  let changed = false;
  for (const value of values) {
    if (secrets.has(value)) continue;
    secrets.add(value);
    changed = true;
  }
  if (!changed) return;
  for (const oldest of secrets) {
    if (secrets.size <= MAX_SECRETS) break;
    secrets.delete(oldest);
  }
  patterns = secretPatterns(secrets);
}

export function redactSecrets(text: string): string {
  return maskSecrets(text, patterns);
}

/** How many secrets are held, for the test that pushes past the bound. */
export function rememberedSecrets(): number {
  return secrets.size;
}
