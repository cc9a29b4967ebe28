/**
 * The answer a batched read gave for its `index`th item. Null (no record goes by that key) is an
 * answer; an item the answer does not reach, or leaves undefined, is an error of its own, so a short
 * answer fails only the items it left out.
 */
export function answerAt<V>(answers: readonly (V | Error)[], index: number): V | Error {
  const answer = answers[index];
  return answer === undefined ? new Error('provider answered too few results') : answer;
}
