import { describe, expect, it } from 'vitest';
import { objectIn } from '../../../src/events/channel-message.js';

describe('a message on a Redis channel', () => {
  it('is the JSON object it holds', () => {
    expect(objectIn('{"from":"a","message":{"n":1}}')).toEqual({ from: 'a', message: { n: 1 } });
    expect(objectIn('[]')).toEqual([]);
  });

  it('is nothing when it holds no JSON or no object', () => {
    for (const raw of ['', 'not json', '{"from":', 'null', '42', '"text"', 'true'])
      expect(objectIn(raw), raw).toBeUndefined();
  });
});
