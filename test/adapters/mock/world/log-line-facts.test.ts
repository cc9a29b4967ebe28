import { describe, expect, it } from 'vitest';
import { LINE_FACTS_CACHE_SIZE, lineFacts, lineFactsKept } from '../../../../adapters/mock/world/log-line-facts.js';

const at = Date.parse('2026-11-20T11:59:07.123Z');

describe('lineFacts', () => {
  it("gives a line its ID, pod suffix, trace ID, timestamp and Discover link, drawn from the line's seed", () => {
    const facts = lineFacts(123_456, at);
    expect(facts.id).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(['x2k9q', 'b7w4m', 'p3n8z']).toContain(facts.podSuffix);
    expect(facts.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(facts.timestamp).toBe('2026-11-20T11:59:07.123Z');
    expect(facts.url).toMatch(/\/logs-production-2026\.11\.20\?id=/);
    expect(facts.url.endsWith(`?id=${encodeURIComponent(facts.id)}`)).toBe(true);
    expect(lineFacts(123_457, at).id).not.toBe(facts.id);
  });

  it('keeps at most its bound of lines, and a line drawn again after eviction has the same facts', () => {
    const first = lineFacts(1, at);
    expect(lineFacts(1, at)).toBe(first);
    for (let seed = 2; seed <= LINE_FACTS_CACHE_SIZE + 10; seed++) lineFacts(seed, at + seed);
    expect(lineFactsKept()).toBe(LINE_FACTS_CACHE_SIZE);
    const again = lineFacts(1, at);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('gives a seed drawn for a line at another time that time, with the same drawn IDs', () => {
    const earlier = lineFacts(77, at);
    const later = lineFacts(77, at + 60_000);
    expect(later.timestamp).toBe('2026-11-20T12:00:07.123Z');
    expect(later.at).toBe(at + 60_000);
    expect({ ...later, at: 0, timestamp: '', url: '' }).toEqual({ ...earlier, at: 0, timestamp: '', url: '' });
  });
});
