/**
 * A provider's 404 on a sub-resource (notes, log entries, timeline cells) of a record that exists
 * is the provider failing, not the record missing: the field errors instead of answering an empty
 * list, and NOT_FOUND stays for records that are not there.
 */
import { AdapterError } from '../contract/index.js';

/** Reads a record and its sub-resources together; the record's own error wins. */
export async function withSubResources<R, S extends readonly unknown[]>(
  record: Promise<R>,
  ...parts: { [K in keyof S]: Promise<S[K]> }
): Promise<[R, ...S]> {
  const [own, ...rest] = await Promise.allSettled([record, ...parts]);
  if (own?.status === 'rejected') throw own.reason;
  const values: unknown[] = [];
  for (const part of rest) {
    if (part.status === 'rejected') throw subResourceError(part.reason);
    values.push(part.value);
  }
  return [(own as PromiseFulfilledResult<R>).value, ...(values as unknown as S)];
}

function subResourceError(err: unknown): unknown {
  if (!(err instanceof AdapterError) || err.code !== 'NOT_FOUND') return err;
  return new AdapterError('PROVIDER_ERROR', `${err.message} (for an incident that exists)`);
}
