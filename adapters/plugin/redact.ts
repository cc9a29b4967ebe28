/**
 * Plugin config often carries tokens, and a plugin may echo them in an error or on stderr. Every
 * text that leaves the host (log lines, error messages) goes through here first.
 */

import { maskSecrets, type SecretPatterns, secretPatterns } from '../http/secret-forms.js';

const SECRET_KEY = /token|secret|password|passwd|credential|auth|api[-_]?key|private/i;
/** Shorter values are too likely to be ordinary words, and redacting them would mangle messages. */
const MIN_SECRET_LENGTH = 4;

/** String values of secret-looking keys, at any depth. */
export function secretValues(config: unknown, keyIsSecret = false, found: Set<string> = new Set()): Set<string> {
  if (typeof config === 'string') {
    if (keyIsSecret && config.length >= MIN_SECRET_LENGTH) found.add(config);
  } else if (Array.isArray(config)) {
    for (const item of config) secretValues(item, keyIsSecret, found);
  } else if (typeof config === 'object' && config !== null) {
    for (const [key, value] of Object.entries(config)) secretValues(value, keyIsSecret || SECRET_KEY.test(key), found);
  }
  return found;
}

/** Compiled once per host's set of secrets: every stderr line of a plugin passes here. */
const compiled = new WeakMap<ReadonlySet<string>, SecretPatterns>();

export function redact(text: string, secrets: ReadonlySet<string>): string {
  let patterns = compiled.get(secrets);
  if (!patterns) {
    patterns = secretPatterns(secrets);
    compiled.set(secrets, patterns);
  }
  return maskSecrets(text, patterns);
}
