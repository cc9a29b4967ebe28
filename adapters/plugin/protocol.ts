/**
 * The OpsOrch plugin protocol on the wire: one JSON object per line on stdin/stdout. This module
 * only encodes requests and classifies lines; the process management lives in host.ts.
 */
import { AdapterError } from '../contract/index.js';

/** Protocol extensions a plugin can announce. Unknown names are ignored, for forward compatibility. */
export type PluginExtension = 'id' | 'health';
const KNOWN_EXTENSIONS: readonly PluginExtension[] = ['id', 'health'];

/** What one line from a plugin's stdout turned out to be. */
export type PluginLine =
  | { type: 'announce'; protocol: number; extensions: PluginExtension[] }
  | { type: 'response'; id?: string; result: unknown; error?: WireError }
  | { type: 'garbage'; reason: string };

export interface WireError {
  code?: string;
  message: string;
}

/**
 * Encodes one plugin's requests as lines, `{"method","config","payload"}` and an `id` only once the
 * plugin announced the `id` extension. Its `config` is the same in every request, so it is encoded
 * once here, not again with every call.
 */
export function requestEncoder(
  config: Record<string, unknown>,
): (method: string, payload: unknown, id?: string) => string {
  const head = `,"config":${JSON.stringify(config)}`;
  return (method, payload, id) => {
    // As JSON.stringify({ method, config, payload, id }) would write it: an undefined member is left out.
    const body = payload === undefined ? '' : `,"payload":${JSON.stringify(payload)}`;
    const tail = id === undefined ? '' : `,"id":${JSON.stringify(id)}`;
    return `{"method":${JSON.stringify(method)}${head}${body}${tail}}\n`;
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Any JSON object is a response: Go plugins encode `Result any` with `omitempty`, so a call that
 * returns nothing arrives as `{}`. An `opsorch` key marks the start-up announcement instead.
 */
export function parseLine(line: string, read: (text: string) => unknown = JSON.parse): PluginLine {
  let value: unknown;
  try {
    value = read(line);
  } catch {
    return { type: 'garbage', reason: 'not JSON' };
  }
  if (!isObject(value)) return { type: 'garbage', reason: 'not a JSON object' };
  if (isObject(value.opsorch)) {
    const protocol = typeof value.opsorch.protocol === 'number' ? value.opsorch.protocol : 1;
    const declared = Array.isArray(value.opsorch.extensions) ? value.opsorch.extensions : [];
    const extensions = KNOWN_EXTENSIONS.filter((e) => declared.includes(e));
    return { type: 'announce', protocol, extensions };
  }
  const id = typeof value.id === 'string' || typeof value.id === 'number' ? String(value.id) : undefined;
  const error = wireError(value.error);
  return { type: 'response', ...(id === undefined ? {} : { id }), result: value.result, ...(error ? { error } : {}) };
}

function wireError(raw: unknown): WireError | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw === 'string') return { message: raw };
  if (isObject(raw)) {
    const message = typeof raw.message === 'string' && raw.message !== '' ? raw.message : 'no message';
    return typeof raw.code === 'string' && raw.code !== '' ? { code: raw.code, message } : { message };
  }
  return { message: JSON.stringify(raw) };
}

/**
 * Protocol error codes → gateway codes. A plain-string error has no code; OpsOrch Core's own mock
 * plugins answer a missing record with a bare string ("not found", "team not found: <id>"), so that
 * phrase maps too.
 */
export function toAdapterError(plugin: string, method: string, error: WireError): AdapterError {
  const code = error.code?.toLowerCase();
  if (code === 'not_found' || (code === undefined && /(^|\s)not found(:|$)/i.test(error.message.trim()))) {
    return new AdapterError('NOT_FOUND', error.message);
  }
  if (code === 'bad_request') return new AdapterError('BAD_USER_INPUT', error.message);
  const suffix = error.code ? ` (${error.code})` : '';
  return new AdapterError('PROVIDER_ERROR', `plugin ${plugin} failed ${method}: ${error.message}${suffix}`);
}
