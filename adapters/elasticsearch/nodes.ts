/**
 * Every configured cluster address, used the way Elastic's own clients use them: requests go
 * round-robin over the nodes believed alive; a read that fails because of the node (it cannot be
 * reached, timed out, or answered a 5xx or garbage) marks that node dead for a while and is sent to
 * the next one, so one node down costs nothing but its own attempts. A dead node is tried again
 * once its pause is over (doubling while it stays down, as the clients' resurrection does), and
 * when every node is dead the one that died first is tried rather than failing unasked. Anything
 * not a read (closing a point in time) goes to one node and is never re-sent.
 */
import { AdapterError } from '../contract/index.js';
import type { HttpClient, RequestOptions } from '../http/index.js';

/** First pause of a node that failed; doubled on each failure in a row, up to MAX_DEAD_MS. */
const DEAD_MS = 60_000;
const MAX_DEAD_MS = 30 * 60_000;

interface Node {
  http: HttpClient;
  /** Epoch ms until which the node is left alone; 0 while alive. */
  deadUntil: number;
  failures: number;
}

/** Whether a failure says something about the node rather than about the request. */
function nodeFault(err: unknown): boolean {
  return err instanceof AdapterError && (err.code === 'PROVIDER_ERROR' || err.code === 'TIMEOUT');
}

const READS = new Set(['GET', 'HEAD']);

export function nodePool(clients: readonly HttpClient[], now: () => number = Date.now): HttpClient {
  const nodes: Node[] = clients.map((http) => ({ http, deadUntil: 0, failures: 0 }));
  let next = 0;

  /** Alive nodes from the round-robin position, then dead ones in the order they come back. */
  function order(): Node[] {
    const start = next;
    next = (next + 1) % nodes.length;
    const rotated = nodes.map((_, i) => nodes[(start + i) % nodes.length] as Node);
    const t = now();
    const alive = rotated.filter((n) => n.deadUntil <= t);
    const dead = rotated.filter((n) => n.deadUntil > t).sort((a, b) => a.deadUntil - b.deadUntil);
    return [...alive, ...dead];
  }

  async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const candidates = order();
    const read = READS.has(method) || options.read === true;
    let lastError: unknown;
    for (const node of read ? candidates : candidates.slice(0, 1)) {
      try {
        const answer = await node.http.request<T>(method, path, options);
        node.deadUntil = 0;
        node.failures = 0;
        return answer;
      } catch (err) {
        if (options.signal?.aborted || !nodeFault(err)) throw err;
        node.failures += 1;
        node.deadUntil = now() + Math.min(MAX_DEAD_MS, DEAD_MS * 2 ** (node.failures - 1));
        lastError = err;
      }
    }
    throw lastError;
  }

  return {
    request,
    get: (path, opts) => request('GET', path, opts),
    post: (path, body, opts) => request('POST', path, { ...opts, body }),
    put: (path, body, opts) => request('PUT', path, { ...opts, body }),
    close: async () => {
      await Promise.all(nodes.map((n) => n.http.close()));
    },
  };
}
