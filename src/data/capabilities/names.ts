/** Finding records by name across a provider's list, a bounded number of names per call. */
import type * as m from '../../../adapters/contract/index.js';
import type { LoaderKey } from '../loader-key.js';
import type { Loaders } from '../loaders.js';

/** Services and teams are looked up by name: a hundred names per call is plenty. */
const NAMES_PER_CALL = 100;

/**
 * `readBy`: the by-name loader reading. The provider's time is recorded under it once for the
 * batch, all its calls added up: the batch is what leaves among the reads sent together
 * (`ReadLatencies`), and over a hundred names it waits for every call, one after the other.
 */
export async function fetchByNames<T>(
  loaders: Loaders,
  readBy: LoaderKey & { capability: 'service' | 'team' },
  names: readonly string[],
  ctx: m.CallContext,
  query: (chunk: string[], ctx: m.CallContext) => Promise<m.Result<m.Page<T>>[]>,
): Promise<T[]> {
  const list: LoaderKey = { capability: readBy.capability, provider: readBy.provider, operation: 'query' };
  const found: T[] = [];
  // Undefined until a call reached the provider: a batch cancelled before any did took nothing.
  let took: number | undefined;
  const add = (ms: number) => {
    took = (took ?? 0) + ms;
  };
  try {
    for (let i = 0; i < names.length; i += NAMES_PER_CALL) {
      const chunk = names.slice(i, i + NAMES_PER_CALL);
      const [page] = await loaders.call(list, chunk.length, ctx, (c) => query(chunk, c), add);
      if (page instanceof Error) throw page;
      if (page) found.push(...page.nodes);
    }
    return found;
  } finally {
    if (took !== undefined) loaders.readTook(readBy, took);
  }
}

/**
 * What a by-name join answered in one request scope, by the name as asked: a list's records name a
 * few services and teams many times over, and each repeat is then one map lookup instead of the
 * loaders' key again (registry, lowercasing, a key object; `Loaders.warm` keeps the answer too).
 */
export class AnswersByName<T> {
  private readonly answers = new Map<string, T>();

  constructor(private readonly lookUp: (name: string) => T) {}

  get(name: string): T {
    let answer = this.answers.get(name);
    if (answer === undefined) {
      answer = this.lookUp(name);
      this.answers.set(name, answer);
    }
    return answer;
  }
}
