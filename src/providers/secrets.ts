/**
 * Secret references in provider config: `{"env": "PD_TOKEN"}` or `{"secret": "pagerduty/token"}`.
 * They are resolved at start-up into the config handed to the adapter, again when a secret provider
 * reports a rotation (the registry then rebuilds the adapter), and never logged.
 */
import type { SecretCapability } from '../../adapters/contract/index.js';
import { ConfigError } from './config.js';

type SecretRef = { env: string } | { secret: string };

function isSecretRef(value: unknown): value is SecretRef {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1) return false;
  const v = (value as Record<string, unknown>)[keys[0] as string];
  return (keys[0] === 'env' || keys[0] === 'secret') && typeof v === 'string';
}

/** The keys of every `{"secret": ...}` reference in a config, so a rotation finds who uses it. */
export function secretKeysOf(value: unknown): string[] {
  if (isSecretRef(value)) return 'secret' in value ? [value.secret] : [];
  if (typeof value !== 'object' || value === null) return [];
  return [...new Set(Object.values(value).flatMap(secretKeysOf))];
}

export function hasSecretRefs(value: unknown): boolean {
  if (isSecretRef(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some(hasSecretRefs);
}

export async function resolveSecretRefs(
  value: unknown,
  where: string,
  env: Record<string, string | undefined>,
  secrets: SecretCapability | undefined,
): Promise<unknown> {
  if (isSecretRef(value)) {
    if ('env' in value) {
      const resolved = env[value.env];
      if (resolved === undefined)
        throw new ConfigError(`${where} refers to environment variable ${value.env}, which is not set`);
      return resolved;
    }
    if (!secrets)
      throw new ConfigError(
        `${where} refers to secret ${JSON.stringify(value.secret)} but no secret provider is configured`,
      );
    try {
      return await secrets.get(value.secret, {});
    } catch (err) {
      throw new ConfigError(
        `${where}: secret ${JSON.stringify(value.secret)} could not be read (${(err as Error).message})`,
      );
    }
  }
  if (Array.isArray(value)) {
    return Promise.all(value.map((v, i) => resolveSecretRefs(v, `${where}[${i}]`, env, secrets)));
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await resolveSecretRefs(v, `${where}.${k}`, env, secrets);
    return out;
  }
  return value;
}

/** Keys whose values are credentials whether or not they are written as references. */
const SECRET_KEY = /token|secret|password|passwd|credential|auth|api[-_]?key|private/i;
/** Under such a key, a short or spaced value is a setting (`"authType": "basic"`), not a credential. */
const CREDENTIAL_VALUE = /^\S{8,}$/;

/**
 * The credentials in a provider's config: every value a secret reference resolved to, and every
 * string under a secret-looking key, at any depth (`raw` is the config as written, `resolved` the
 * same with references replaced).
 */
export function secretsIn(raw: unknown, resolved: unknown, keyIsSecret = false, found: string[] = []): string[] {
  if (typeof resolved === 'string') {
    if (isSecretRef(raw) || (keyIsSecret && CREDENTIAL_VALUE.test(resolved))) found.push(resolved);
  } else if (Array.isArray(resolved)) {
    const rawItems = Array.isArray(raw) ? raw : [];
    for (const [i, item] of resolved.entries()) secretsIn(rawItems[i], item, keyIsSecret, found);
  } else if (typeof resolved === 'object' && resolved !== null) {
    const rawFields = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
    for (const [key, value] of Object.entries(resolved)) {
      secretsIn(rawFields[key], value, keyIsSecret || SECRET_KEY.test(key), found);
    }
  }
  return found;
}
