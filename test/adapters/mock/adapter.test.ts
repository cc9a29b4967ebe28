import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProviderEvent } from '../../../adapters/contract/index.js';
import { createMockAdapter } from '../../../adapters/mock/index.js';
import { list, mock, NOW, silentLogger } from './helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

const build = (config: Record<string, unknown>) => () =>
  createMockAdapter(config, { name: 'mock', logger: silentLogger });

describe('config', () => {
  it('serves every capability with defaults', async () => {
    const adapter = await createMockAdapter({}, { name: 'mock', logger: silentLogger });
    expect(adapter.kind).toBe('mock');
    expect(Object.keys(adapter.capabilities).sort()).toEqual(
      [
        'alert',
        'deployment',
        'incident',
        'log',
        'messaging',
        'metric',
        'orchestration',
        'secret',
        'service',
        'team',
        'ticket',
      ].sort(),
    );
    expect(await adapter.checkHealth({})).toMatchObject({ status: 'HEALTHY' });
    await adapter.close?.();
  });

  it.each([
    [{ liveIntervalMs: 0 }, 'mock config: "liveIntervalMs" must be a positive integer'],
    [{ liveIntervalMs: 1.5 }, '"liveIntervalMs" must be a positive integer'],
    [{ liveIntervalMs: '5000' }, '"liveIntervalMs" must be a positive integer'],
    [{ seed: 'abc' }, '"seed" must be an integer'],
    [{ seed: 1.5 }, '"seed" must be an integer'],
    [{ now: 'yesterday' }, '"now" must be an ISO 8601 date-time'],
    [{ live: 'yes' }, '"live" must be a boolean'],
    [{ latencyMs: -1 }, '"latencyMs" must be a non-negative number'],
    [{ secrets: { a: 1 } }, '"secrets'],
    [{ secrets: 'x' }, '"secrets" must be an object of string values'],
    [{ colour: 'blue' }, 'mock config: unknown key "colour"'],
  ])('rejects %j naming the key', (config, message) => {
    expect(build(config)).toThrow(message);
  });

  it('rejects a config that is not an object', () => {
    expect(build('seed=1' as unknown as Record<string, unknown>)).toThrow('mock config: must be an object');
    expect(build([1] as unknown as Record<string, unknown>)).toThrow('mock config: must be an object');
  });

  it('accepts timestamps with an offset', async () => {
    const a = await mock({ now: '2026-11-21T11:00:00+01:00' });
    const b = await mock({ now: NOW });
    expect(await list(a.caps.incident.query, {})).toEqual(await list(b.caps.incident.query, {}));
  });

  it('does not leak secret values into config errors', () => {
    expect(build({ secrets: { token: 'hunter2' }, bogus: 1 })).toThrow(/^(?!.*hunter2)/s);
  });

  it('defaults `now` to the current minute', async () => {
    vi.useFakeTimers({ now: new Date('2026-05-05T05:05:42.123Z'), toFake: ['Date'] });
    const { caps } = await mock({ now: undefined });
    const [newest] = await list(caps.incident.query, {});
    expect(Date.parse(newest!.createdAt)).toBeLessThanOrEqual(Date.parse('2026-05-05T05:05:00.000Z'));
    expect(Date.parse(newest!.createdAt)).toBeGreaterThan(Date.parse('2026-05-04T05:05:00.000Z'));
  });

  it('keeps the wall clock as its clock when `now` defaults, not the minute plus the time since', async () => {
    vi.useFakeTimers({ now: new Date('2026-05-05T05:05:42.123Z'), toFake: ['Date'] });
    const { caps } = await mock({ now: undefined });
    vi.setSystemTime(new Date('2026-05-05T05:06:10.000Z'));
    const created = await caps.incident.create(
      { title: 'Checkout is slow', severity: 'HIGH', service: 'checkout-api' },
      {},
    );
    // The clock only moves forward by a millisecond per reading while the faked time stands still.
    expect(Date.parse(created.createdAt) - Date.parse('2026-05-05T05:06:10.000Z')).toBeGreaterThanOrEqual(0);
    expect(Date.parse(created.createdAt) - Date.parse('2026-05-05T05:06:10.000Z')).toBeLessThan(10);
  });
});

describe('latency', () => {
  it('delays every call by about latencyMs', async () => {
    const { caps } = await mock({ latencyMs: 40 });
    const started = performance.now();
    await caps.service.query([{ first: 5 }], {});
    await caps.incident.getMany(['x'], {});
    // Two calls at 40 ms ±20% each: at least 64 ms in all (no upper bound: CI machines stall).
    expect(performance.now() - started).toBeGreaterThanOrEqual(60);
  });

  it('gives up waiting when the call is aborted', async () => {
    const { caps } = await mock({ latencyMs: 10_000 });
    const controller = new AbortController();
    const pending = caps.incident.query([{ first: 1 }], { signal: controller.signal });
    controller.abort(new Error('client went away'));
    await expect(pending).rejects.toThrow('client went away');
  });
});

describe('live mode', () => {
  it('appends timeline entries to open incidents on a timer and stops on close', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { adapter, caps } = await mock({ live: true, liveIntervalMs: 1000 });
    const events: ProviderEvent[] = [];
    adapter.onEvent?.((e) => events.push(e));

    vi.advanceTimersByTime(30_000);
    const appended = events.flatMap((e) => (e.type === 'timeline.appended' ? [e.entry] : []));
    expect(appended.length).toBeGreaterThanOrEqual(30);
    const incidents = await list(caps.incident.query, {});
    for (const entry of appended) {
      const timeline = (await caps.incident.timelines([entry.incidentId], {}))[0];
      expect(timeline).not.toBeInstanceOf(Error);
      expect((timeline as { id: string }[]).map((e) => e.id)).toContain(entry.id);
      expect(incidents.some((i) => i.id === entry.incidentId)).toBe(true);
    }
    expect(new Set(appended.map((e) => e.kind)).size).toBeGreaterThan(2);
    for (const event of events) {
      if (event.type === 'incident.updated') expect(event.changedFields.length).toBeGreaterThan(0);
    }

    await adapter.close?.();
    const count = events.length;
    vi.advanceTimersByTime(30_000);
    expect(events.length).toBe(count);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not run without live: true', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { adapter } = await mock();
    const events: ProviderEvent[] = [];
    adapter.onEvent?.((e) => events.push(e));
    vi.advanceTimersByTime(60_000);
    expect(events).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('unrefs its timer so it never keeps the process alive', async () => {
    const unref = vi.fn();
    const spy = vi
      .spyOn(globalThis, 'setInterval')
      .mockImplementation(((..._args: unknown[]) => ({ unref }) as unknown as NodeJS.Timeout) as typeof setInterval);
    const clear = vi.spyOn(globalThis, 'clearInterval').mockImplementation(() => {});
    const { adapter } = await mock({ live: true, liveIntervalMs: 50 });
    expect(unref).toHaveBeenCalled();
    await adapter.close?.();
    expect(clear).toHaveBeenCalled();
    spy.mockRestore();
    clear.mockRestore();
  });
});
