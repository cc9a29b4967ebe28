/**
 * What every adapter's webhook does the same way: read the delivery's JSON against the push
 * format's schema, and compare an offered secret without leaking its length or content through
 * timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import type { WebhookDelivery } from '../contract/index.js';

/** The delivery's body read against its schema; the error says where the payload differs. */
export function parseDelivery<S extends z.ZodType>(delivery: WebhookDelivery, schema: S): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(delivery.rawBody.toString('utf8'));
  } catch {
    throw new Error('the body is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`unexpected payload: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return parsed.data;
}

/** Constant-time equality of two secrets of any length (their digests are compared). */
export function sameSecret(offered: string, expected: string): boolean {
  const a = createHash('sha256').update(offered).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
