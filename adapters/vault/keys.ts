/**
 * A secret reference names a KV path and, after `#`, a field of the secret stored there:
 * `{"secret": "slack#token"}`. Without `#`, a secret with a single field answers that field, and
 * one with several answers its `value` field.
 */
import { badInput, notFound } from '../contract/index.js';

export interface SecretKey {
  path: string;
  field: string | undefined;
}

const PATH = /^[A-Za-z0-9_.@-]+(\/[A-Za-z0-9_.@-]+)*$/;

export function parseKey(key: string): SecretKey {
  const hash = key.indexOf('#');
  const path = (hash < 0 ? key : key.slice(0, hash)).replace(/^\/+|\/+$/g, '');
  const field = hash < 0 ? undefined : key.slice(hash + 1);
  if (!PATH.test(path) || path.split('/').some((s) => s === '.' || s === '..')) {
    throw badInput(`secret key ${JSON.stringify(key)} is not a Vault path (letters, digits, . _ - @ and /)`);
  }
  if (field !== undefined && field.length === 0)
    throw badInput(`secret key ${JSON.stringify(key)} names an empty field`);
  return { path, field };
}

/** The one value a key names; field names may be shown, values never. */
export function pick(key: string, parsed: SecretKey, data: Record<string, unknown>): string {
  const fields = Object.keys(data);
  const name = parsed.field ?? (fields.length === 1 ? (fields[0] as string) : 'value');
  const value = data[name];
  if (value === undefined) {
    const known = fields.length ? fields.join(', ') : 'none';
    throw notFound('secret', `${key} (field ${name}; the secret has: ${known})`);
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}
