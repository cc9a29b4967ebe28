import pLimit from 'p-limit';
import type { Result } from '../contract/index.js';

/**
 * Runs `fn` over every item with at most `limit` in flight, for providers without a batch
 * endpoint. Each item settles on its own: a throw becomes that item's Error, same order as input.
 */
export async function fanOut<I, O>(
  items: readonly I[],
  limit: number,
  fn: (item: I, index: number) => Promise<O>,
): Promise<Result<O>[]> {
  const cap = pLimit(Math.max(1, limit));
  return Promise.all(
    items.map((item, index) =>
      cap(async () => {
        try {
          return await fn(item, index);
        } catch (err) {
          return err instanceof Error ? err : new Error(String(err));
        }
      }),
    ),
  );
}
