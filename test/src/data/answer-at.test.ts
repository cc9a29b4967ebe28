import { describe, expect, it } from 'vitest';
import { answerAt } from '../../../src/data/answer-at.js';

describe('answerAt', () => {
  it('answers a record, a null (no record by that key) and an error as they are', () => {
    const failed = new Error('no b');
    const answers = ['a', null, failed];
    expect(answerAt(answers, 0)).toBe('a');
    expect(answerAt(answers, 1)).toBeNull();
    expect(answerAt(answers, 2)).toBe(failed);
  });

  it('fails an item the answer does not reach or leaves undefined', () => {
    const answers: (string | undefined)[] = ['a', undefined];
    for (const index of [1, 2]) {
      const answer = answerAt(answers as string[], index);
      expect(answer).toBeInstanceOf(Error);
      expect((answer as Error).message).toBe('provider answered too few results');
    }
  });
});
