/**
 * Single-flight of provider reads across concurrent requests. DataLoader merges the reads of one
 * request; this merges identical reads of different requests that overlap in time: a read that
 * starts while the same (loader, key) is in flight waits for that call instead of making another.
 * Nothing outlives the call (entries go on settle), so no answer is older than one that would have
 * been fetched a moment earlier. Only reads come here; writes go straight to the adapters.
 */
import {
  type Abortable,
  CallCancel,
  type CallContext,
  cancelOf,
  ProviderCallContext,
} from '../../adapters/contract/index.js';
import { answerAt } from './answer-at.js';
import { HANDED_CANCEL, type HandingContext, RETURNED } from './calls.js';

/** One provider call, shared by every request that waits on one of its keys. */
interface SharedCall {
  cancel: CallCancel;
  /** Requests that may still abort; the call is cancelled only when all of them have. */
  cancellable: number;
  /** A waiter without a signal can never cancel, so the call runs to the end. */
  pinned: boolean;
  settled: boolean;
}

interface Flight<V> {
  call: SharedCall;
  result: Promise<V | Error>;
}

export type BatchRead<K, V> = (keys: readonly K[], call: CallContext) => Promise<(V | Error)[]>;

export class InFlightReads {
  private readonly flights = new Map<string, Flight<unknown>>();

  /**
   * Reads `keys`, joining identical reads already in flight; `shared` counts the keys that joined,
   * and `onJoin` hears that count at once, while the joined call is still running.
   */
  async read<K, V>(
    loader: string,
    keys: readonly K[],
    keyOf: (key: K) => string,
    ctx: CallContext,
    fetch: BatchRead<K, V>,
    onJoin?: (shared: number) => void,
  ): Promise<{ results: (V | Error)[]; shared: number }> {
    // The request's cancellation, without making its signal (`cancelOf`).
    const signal = cancelOf(ctx);
    // A request that has gone asks nothing: neither a new call nor a share of one.
    if (signal?.aborted) return { results: keys.map(() => abortReason(signal)), shared: 0 };
    const pending: Promise<V | Error>[] = new Array(keys.length);
    const missing: K[] = [];
    const missingAt: number[] = [];
    const joined = new Set<SharedCall>();
    keys.forEach((key, i) => {
      const flight = this.flights.get(flightKey(loader, keyOf(key))) as Flight<V> | undefined;
      if (flight && !flight.call.cancel.aborted) {
        pending[i] = flight.result;
        joined.add(flight.call);
      } else {
        missing.push(key);
        missingAt.push(i);
      }
    });
    const held = [...joined].filter((call) => !call.settled);
    if (missing.length < keys.length) onJoin?.(keys.length - missing.length);

    if (missing.length > 0) {
      const call: SharedCall = { cancel: new CallCancel(), cancellable: 0, pinned: false, settled: false };
      held.push(call);
      // The shared cancellation goes to the provider call itself (one per call, not one here and
      // one derived from it there), which leaves ending it once it has returned to this read. Its
      // signal is made only if the adapter asks for it (`ProviderCallContext`); what else the
      // context carries for whoever makes the call (symbol keys) goes with it.
      const shared: HandingContext = new ProviderCallContext(call.cancel, ctx.requestId, ctx.actor);
      for (const key of Object.getOwnPropertySymbols(ctx)) Reflect.set(shared, key, Reflect.get(ctx, key));
      shared[HANDED_CANCEL] = call.cancel;
      const settled = fetch(missing, shared).then(
        (results) => results,
        (err: unknown) => missing.map(() => (err instanceof Error ? err : new Error(String(err)))),
      );
      const names = missing.map((key) => flightKey(loader, keyOf(key)));
      missing.forEach((_, j) => {
        const result = settled.then((results) => answerAt(results, j));
        pending[missingAt[j] as number] = result;
        this.flights.set(names[j] as string, { call, result });
      });
      void settled.finally(() => {
        call.settled = true;
        call.cancel.abort(RETURNED);
        for (const name of names) {
          if (this.flights.get(name)?.call === call) this.flights.delete(name);
        }
      });
    }
    const shared = keys.length - missing.length;
    const all = Promise.all(pending);
    if (!signal) {
      for (const call of held) call.pinned = true;
      return { results: await all, shared };
    }
    return { results: await untilAborted(all, signal, keys.length, held), shared };
  }

  /**
   * After a write, the next read of this key must not join a call that started before it, whoever
   * that call was for. In-flight entries are few, so a scan is cheap.
   */
  forget(loader: string, key: string): void {
    const suffix = `${SHARE_SEPARATOR}${flightKey(loader, key)}`;
    for (const name of this.flights.keys()) if (name.endsWith(suffix)) this.flights.delete(name);
    this.flights.delete(flightKey(loader, key));
  }

  get size(): number {
    return this.flights.size;
  }
}

const SHARE_SEPARATOR = '\u0003';

/** A loader's flights for callers who may see the same records (see `visibilityKey`). */
export function sharedFlightName(loader: string, visibility: string): string {
  return `${visibility}${SHARE_SEPARATOR}${loader}`;
}

function flightKey(loader: string, key: string): string {
  return `${loader}\u0000${key}`;
}

/**
 * The read's answer, or the abort reason for every key at once if its request leaves first (a
 * shared call goes on for the others), with one listener on the request's signal for both: it
 * also lets go of the calls the read holds, each cancelled once no request waits on it. The
 * listener is removed when the answer comes, since a request's signal outlives its reads.
 */
function untilAborted<V>(
  results: Promise<(V | Error)[]>,
  signal: Abortable,
  count: number,
  held: readonly SharedCall[],
): Promise<(V | Error)[]> {
  for (const call of held) call.cancellable++;
  return new Promise((resolve, reject) => {
    const leave = () => {
      for (const call of held) {
        call.cancellable--;
        if (call.cancellable === 0 && !call.pinned && !call.settled) call.cancel.abort(signal.reason);
      }
      resolve(Array.from({ length: count }, () => abortReason(signal)));
    };
    signal.addEventListener('abort', leave, { once: true });
    results.then(
      (answer) => {
        signal.removeEventListener('abort', leave);
        resolve(answer);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', leave);
        reject(err);
      },
    );
  });
}

function abortReason(signal: Abortable): Error {
  const { reason } = signal;
  return reason instanceof Error ? reason : new Error(String(reason ?? 'aborted'));
}
