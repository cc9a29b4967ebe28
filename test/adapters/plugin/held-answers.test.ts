import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUCKET,
  HEAD,
  HeldAnswers,
  MAX_DEPTH,
  MAX_RECORD,
  UNCUT_SKIPS,
} from '../../../adapters/plugin/held-answers.js';
import { fromGlobalId } from '../../../src/graphql/ids.js';
import { type Json, type OpsOrchPair, startOpsOrchPair } from '../../helpers/opsorch-pair.js';

/** An answer whose record is exactly `length` characters, its content different with `n`. */
function answer(n: number, length = 40): string {
  const head = `{"n":${n},"pad":"`;
  return `{"result":${head}${'x'.repeat(length - head.length - 2)}"}}`;
}

const METHOD = 'incident.query';

describe('HeldAnswers', () => {
  /** The record the answer's result is. */
  const record = (held: HeldAnswers, line: string, method = METHOD) =>
    (held.read(line, method) as { result: { n: number } }).result;

  it('holds a record read a second time: the same frozen value from then on', () => {
    const held = new HeldAnswers(1000);
    const first = record(held, answer(1));
    expect(first).toEqual({ n: 1, pad: expect.any(String) });
    expect(Object.isFrozen(first)).toBe(false);
    const second = record(held, `${answer(1)}`);
    expect(second).toEqual(first);
    expect(Object.isFrozen(second)).toBe(true);
    expect(record(held, answer(1))).toBe(second);
    expect(() => {
      second.n = 2;
    }).toThrow(TypeError);
  });

  it('tells apart records of the same length', () => {
    const held = new HeldAnswers(1000);
    expect(answer(1).length).toBe(answer(2).length);
    for (const n of [1, 2, 1, 2]) held.read(answer(n), METHOD);
    const one = record(held, answer(1));
    const two = record(held, answer(2));
    expect([one.n, two.n]).toEqual([1, 2]);
    expect(record(held, answer(1))).toBe(one);
    expect(record(held, answer(2))).toBe(two);
  });

  it('holds no more than its bound, the oldest going first', () => {
    const held = new HeldAnswers(8000);
    const twice = (line: string) => {
      held.read(line, METHOD);
      return record(held, line);
    };
    expect(Object.isFrozen(twice(answer(0, 100)))).toBe(true);
    for (let n = 1; n < 100; n++) {
      twice(answer(n, 100 + n));
      expect(held.keptLength).toBeLessThanOrEqual(8000);
    }
    expect(held.keptLength).toBeGreaterThan(7000 - 200);
    // Gone, so read afresh; the newest still held.
    expect(Object.isFrozen(record(held, answer(0, 100)))).toBe(false);
    expect(Object.isFrozen(record(held, answer(99, 199)))).toBe(true);
  });

  it('lets go of records read once past an eighth of its bound', () => {
    const held = new HeldAnswers(8000);
    held.read(answer(0, 100), METHOD);
    for (let n = 1; n <= 20; n++) {
      held.read(answer(n, 100 + n), METHOD);
      expect(held.keptLength).toBeLessThanOrEqual(1000);
    }
    expect(Object.isFrozen(record(held, answer(0, 100)))).toBe(false);
    expect(Object.isFrozen(record(held, answer(20, 120)))).toBe(true);
  });

  it('keeps no more than a bucket of records that begin alike (versions of one record)', () => {
    /** A record whose first `HEAD` characters and more are the same for every `n`, its length too. */
    const alike = (n: number) => `{"result":{"pad":"${'x'.repeat(HEAD)}","n":${100 + n}}}`;
    expect(alike(1).length - 11).toBe(HEAD + 18);
    const held = new HeldAnswers(100_000);
    for (let n = 0; n <= BUCKET; n++) held.read(alike(n), METHOD);
    expect(held.keptLength).toBe(BUCKET * (HEAD + 18));
    expect(Object.isFrozen(record(held, alike(0)))).toBe(false);
    expect(Object.isFrozen(record(held, alike(BUCKET)))).toBe(true);
    for (let n = 1; n <= BUCKET; n++) expect(record(held, alike(n)).n).toBe(100 + n);
  });

  it('finds a record read before where the line goes on with it, and cuts what follows as before', () => {
    const held = new HeldAnswers(10_000);
    const a = `{"id":"a","title":"${'A'.repeat(HEAD)}"}`;
    const longer = `{"id":"a","title":"${'A'.repeat(HEAD)}B"}`;
    const list = (...records: string[]) => `{"result":[${records.join(',')}]}`;
    held.read(list(a), METHOD);
    const [kept] = (held.read(list(a), METHOD) as { result: Json[] }).result;
    expect(Object.isFrozen(kept)).toBe(true);
    // Its first characters and more are those of the kept record, but it goes on: another record.
    const changed = held.read(list(longer, a), METHOD) as { result: Json[] };
    expect(changed).toEqual(JSON.parse(list(longer, a)));
    expect(Object.isFrozen(changed.result[0])).toBe(false);
    expect(changed.result[1]).toBe(kept);
    // A kept record followed by something other than a comma or the list's end: not a list of records.
    for (const line of [`{"result":[${a}x]}`, `{"result":[${a}]x}`, `{"result":${a}x}`]) {
      expect(() => held.read(line, 'other.method')).toThrow(SyntaxError);
    }
    expect(held.read(`{"result":${a}}`, METHOD)).toEqual({ result: kept });
  });

  it("holds a list's records each, wherever they stand in the list", () => {
    const held = new HeldAnswers(10_000);
    const a = '{"id":"a","fields":{"tags":["x","y"],"note":"{\\"}, ]"}}';
    const b = '{"id":"b","title":"B, \\"quoted\\" [1]"}';
    const list = (...records: string[]) => `{"result":[${records.join(',')}]}`;
    const first = held.read(list(a, b), METHOD) as { result: Json[] };
    expect(first).toEqual(JSON.parse(list(a, b)));
    const second = held.read(list(a, b), METHOD) as { result: Json[] };
    expect(second.result.map((r) => Object.isFrozen(r))).toEqual([true, true]);
    const swapped = held.read(list(b, a, '{"id":"c"}'), METHOD) as { result: Json[] };
    expect(swapped.result[0]).toBe(second.result[1]);
    expect(swapped.result[1]).toBe(second.result[0]);
    expect(swapped.result[2]).toEqual({ id: 'c' });
    expect(held.read('{"result":[]}', METHOD)).toEqual({ result: [] });
  });

  it('parses whole what it cannot cut into records, as JSON.parse does', () => {
    const held = new HeldAnswers(10_000);
    let deep: unknown = 'bottom';
    for (let depth = 0; depth < MAX_DEPTH; depth++) deep = { deeper: deep };
    const lines = [
      JSON.stringify({ result: [{ id: 'a' }, deep] }),
      '{"result":[ {"id":"a"} ]}',
      '{"result":[1,"two",null]}',
      '{"result":{"entries":[{"id":"a"}]}}',
      '{"result":[{"id":"a"}],"error":"partial"}',
    ];
    for (const [n, line] of lines.entries()) {
      expect(held.read(line, `method${n}`)).toEqual(JSON.parse(line));
      expect(held.read(line, `method${n}`)).toEqual(JSON.parse(line));
    }
    expect(() => held.read('{"result":[{"id":"a"},{"id":}]}', METHOD)).toThrow(SyntaxError);
    expect(() => held.read('{"result":[{"id":"a"}{"id":"b"}]}', METHOD)).toThrow(SyntaxError);
  });

  it('holds whole, per method, the last answer it does not cut into records', () => {
    const held = new HeldAnswers(1_000_000);
    const lines = [
      answer(1, MAX_RECORD + 1),
      '{"result":"text"}',
      '{"result":{"entries":[]},"id":"1"}',
      `{"result":[${answer(1, MAX_RECORD + 1).slice(10, -1)}]}`,
      // A metric series cut short at MAX_RECORD: a run of plain characters matched as one step
      // backtracked exponentially here and never returned.
      JSON.stringify({
        result: [
          {
            name: 'http_request_duration_seconds',
            points: Array.from({ length: 700 }, (_, i) => ({ timestamp: '2026-12-03T21:48:44.436Z', value: i / 100 })),
          },
        ],
      }),
    ];
    // Each to a method of its own: a whole answer is found again only as its own method's next.
    for (const [n, line] of lines.entries()) {
      const values = [held.read(line, `method${n}`), held.read(line, `method${n}`)];
      expect(values).toEqual([JSON.parse(line), JSON.parse(line)]);
      expect(Object.isFrozen(values[0])).toBe(false);
      expect(Object.isFrozen(values[1])).toBe(true);
      expect(held.read(line, `method${n}`)).toBe(values[1]);
    }
    expect(held.keptLength).toBe(lines.reduce((sum, line) => sum + line.length, 0));
    expect(Object.isFrozen(held.read(lines[0] as string, 'another.method'))).toBe(false);
  });

  it('keeps one whole answer a method, the latest, and none longer than the texts read once may be', () => {
    const series = (n: number) => `{"result":[{"n":${n},"points":"${'x'.repeat(MAX_RECORD + 100)}"}]}`;
    const [a, b] = [series(1), series(2)];
    // A bound of 8,000 leaves 1,000 characters for the texts read once: longer answers are kept nowhere.
    const small = new HeldAnswers(8000);
    small.read(a, 'metric.query');
    expect(small.keptLength).toBe(0);
    expect(Object.isFrozen(small.read(a, 'metric.query'))).toBe(false);

    const held = new HeldAnswers(8 * a.length);
    held.read(a, 'metric.query');
    expect(held.keptLength).toBe(a.length);
    held.read(b, 'metric.query');
    expect(held.keptLength).toBe(b.length);
    expect(Object.isFrozen(held.read(a, 'metric.query'))).toBe(false);
    const heldA = held.read(a, 'metric.query');
    expect(Object.isFrozen(heldA)).toBe(true);
    // Another answer to the method puts the held one out.
    held.read(b, 'metric.query');
    expect(held.keptLength).toBe(b.length);
    expect(held.read(a, 'metric.query')).not.toBe(heldA);
  });

  it('reads whole, without trying to cut, the next answers to a method whose answer did not cut', () => {
    const held = new HeldAnswers(100_000);
    held.read(answer(1, MAX_RECORD + 1), 'metric.query');
    for (let n = 0; n < UNCUT_SKIPS; n++) {
      // Each a text of its own, read whole: a record cut from it would be held by its second reading.
      expect(Object.isFrozen(record(held, answer(10 + n), 'metric.query'))).toBe(false);
      held.read(answer(2), 'incident.get');
    }
    expect(Object.isFrozen(record(held, answer(2), 'incident.get'))).toBe(true);
    // The record's text, and metric.query's last whole answer.
    expect(held.keptLength).toBe(40 + answer(10).length);
    // Tried again after them: its record read once, then held (the last whole answer stays the method's).
    held.read(answer(3), 'metric.query');
    expect(Object.isFrozen(record(held, answer(3), 'metric.query'))).toBe(true);
    expect(held.keptLength).toBe(40 + 40 + answer(10).length);
  });

  it('throws for a text that is not JSON, keeping nothing', () => {
    const held = new HeldAnswers(1000);
    expect(() => held.read('{"result":', METHOD)).toThrow(SyntaxError);
    expect(() => held.read('{"result":', METHOD)).toThrow(SyntaxError);
    expect(held.keptLength).toBe(0);
  });
});

describe('held answers in a gateway over OpsOrch plugins', () => {
  let pair: OpsOrchPair;

  beforeAll(async () => {
    pair = await startOpsOrchPair();
  }, 60_000);
  afterAll(async () => {
    await pair?.stop();
  });

  const list = () =>
    pair.gq<{ incidents: { edges: { node: Json }[] } }>(
      '{ incidents(first: 50) { edges { node { id title status fields metadata } } } }',
    );

  it('shows a change to a record the moment the plugin answers with it, even at the same length', async () => {
    const before = await list();
    expect(await list()).toEqual(before);
    const target = before.incidents.edges[0]?.node as Json;
    const title = target.title as string;
    // The same length, so the plugin's answer is the same length as the one held.
    const changed = `${title.slice(0, -1)}${title.endsWith('!') ? '?' : '!'}`;
    const patched = await fetch(`${pair.coreUrl}/incidents/${fromGlobalId(target.id as string).nativeId}`, {
      method: 'PATCH',
      body: JSON.stringify({ title: changed }),
    });
    expect(patched.status).toBe(200);

    const after = await list();
    const titles = after.incidents.edges.map((e) => e.node.title);
    expect(titles).toContain(changed);
    expect(titles).not.toContain(title);
    expect(after.incidents.edges.map((e) => e.node.id)).toEqual(before.incidents.edges.map((e) => e.node.id));
  });
});
