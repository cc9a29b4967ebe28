/**
 * GitHub search queries (`GET /search/issues?q=…`) built from user input. Qualifiers are made
 * here only; what a caller typed is one quoted phrase with quotes and backslashes dropped, so
 * `label:x`, `repo:other/repo`, `OR`, `NOT` or parentheses inside it are searched for as text and
 * never read as syntax.
 */
import { badInput } from '../contract/index.js';

/** GitHub rejects queries longer than 256 characters; the phrase gets what the qualifiers leave. */
const MAX_QUERY = 256;

export function phrase(text: string): string {
  const cleaned = text.replace(/["\\]/g, ' ').replace(/\s+/g, ' ').trim();
  return cleaned ? `"${cleaned}"` : '';
}

/** A qualifier value, quoted when it has spaces or search syntax in it. */
export function qualifier(name: string, value: string): string {
  const cleaned = value.replace(/["\\]/g, '');
  return /^[A-Za-z0-9._/-]+$/.test(cleaned) ? `${name}:${cleaned}` : `${name}:"${cleaned}"`;
}

export function searchQuery(qualifiers: string[], text?: string): string {
  const q = [...qualifiers, ...(text ? [phrase(text)] : [])].filter(Boolean).join(' ');
  if (q.length > MAX_QUERY)
    throw badInput(`the search is too long for GitHub (${q.length} of ${MAX_QUERY} characters)`);
  return q;
}
