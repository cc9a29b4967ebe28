/**
 * The rule the caches bounded in bytes share: one entry may take at most an eighth of the bound,
 * so that a single huge answer or operation cannot push out everything the others keep; a larger
 * one is not kept at all.
 */
export function fitsIn(cache: { readonly maxSize: number }, size: number): boolean {
  return size <= cache.maxSize / 8;
}
