/**
 * What a message on a Redis channel of the gateway's says. Anyone with access to the Redis can
 * publish there, and another version of the gateway may speak differently: a message that is not
 * what the listener expects is dropped, never thrown on.
 */

/** The JSON object `raw` holds, or undefined when it holds no JSON or no object. */
export function objectIn(raw: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
}
