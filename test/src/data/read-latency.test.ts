import { describe, expect, it } from 'vitest';
import { ReadLatencies } from '../../../src/data/read-latency.js';

describe('read latencies', () => {
  it('expects nothing of a loader not yet measured, its first read of one measured once', () => {
    const latencies = new ReadLatencies();
    expect(latencies.expected('log.query@opsorch')).toBe(0);
    latencies.record('log.query@opsorch', 12);
    expect(latencies.expected('log.query@opsorch')).toBe(12);
    expect(latencies.expected('metric.query@opsorch')).toBe(0);
  });

  it('follows what the reads take lately: a loader that got fast is soon expected fast', () => {
    const latencies = new ReadLatencies();
    latencies.record('log.query@opsorch', 100);
    latencies.record('metric.query@opsorch', 10);
    for (let i = 0; i < 20; i++) latencies.record('log.query@opsorch', 1);
    expect(latencies.expected('log.query@opsorch')).toBeLessThan(latencies.expected('metric.query@opsorch'));
    expect(latencies.expected('log.query@opsorch')).toBeGreaterThan(1);
  });
});
