/** Tallied metrics scrape as prom-client's own counters and histograms do for the same events. */
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { talliedCounter, talliedHistogram } from '../../../src/data/tallies.js';

const LABELS = ['provider', 'capability', 'operation'] as const;
const SETS: [string, string, string][] = [
  ['a', 'incident', 'query'],
  ['b', 'incident', 'getMany'],
  ['a', 'service', 'query'],
];

describe('tallied metrics', () => {
  it('export a counter as prom-client does, label sets in the order first seen, increments summed', async () => {
    const tallied = new Registry();
    const plain = new Registry();
    const counter = talliedCounter({ name: 't_calls_total', help: 'h', labelNames: LABELS, registers: [tallied] });
    const reference = new Counter({ name: 't_calls_total', help: 'h', labelNames: LABELS, registers: [plain] });
    const events: [number, number][] = [
      [0, 1],
      [1, 3],
      [0, 1],
      [2, 2],
      [1, 1],
    ];
    for (const [set, by] of events) {
      const values = SETS[set] as [string, string, string];
      counter.inc(values, by);
      reference.inc({ provider: values[0], capability: values[1], operation: values[2] }, by);
    }
    expect(await tallied.metrics()).toBe(await plain.metrics());
    expect(await tallied.metrics()).toContain(
      't_calls_total{provider="b",capability="incident",operation="getMany"} 4',
    );
  });

  it('export a histogram as prom-client does: buckets, above the last bound, sum and count', async () => {
    const tallied = new Registry();
    const plain = new Registry();
    const buckets = [1, 2, 5, 10];
    const histogram = talliedHistogram({
      name: 't_size',
      help: 'h',
      labelNames: LABELS,
      buckets,
      registers: [tallied],
    });
    const reference = new Histogram({ name: 't_size', help: 'h', labelNames: LABELS, buckets, registers: [plain] });
    const events: [number, number][] = [
      [0, 1],
      [0, 3],
      [1, 0.5],
      [0, 10],
      [2, 2],
      [0, 11],
      [1, 1000],
      [0, 2],
    ];
    for (const [set, value] of events) {
      const values = SETS[set] as [string, string, string];
      histogram.observe(values, value);
      reference.observe({ provider: values[0], capability: values[1], operation: values[2] }, value);
    }
    const text = await tallied.metrics();
    expect(text).toBe(await plain.metrics());
    expect(text).toContain('t_size_bucket{le="10",provider="a",capability="incident",operation="query"} 4');
    expect(text).toContain('t_size_bucket{le="+Inf",provider="a",capability="incident",operation="query"} 5');
    expect(text).toContain('t_size_sum{provider="a",capability="incident",operation="query"} 27');
    expect(() => histogram.observe(SETS[0] as [string, string, string], Number.NaN)).toThrow(/not a valid number/);
  });

  it('scrape the same totals twice and keep counting between scrapes', async () => {
    const registry = new Registry();
    const counter = talliedCounter({ name: 't_twice_total', help: 'h', labelNames: ['kind'], registers: [registry] });
    counter.inc(['x']);
    const first = await registry.metrics();
    expect(await registry.metrics()).toBe(first);
    counter.inc(['x'], 2);
    expect(await registry.metrics()).toContain('t_twice_total{kind="x"} 3');
  });
});
