import type { CallContext } from './capabilities.js';

/**
 * What can end a call, as far as whoever waits on it needs: whether it has ended, why, and one
 * listener for when it does. An `AbortSignal` is one; so is a provider call's `CallCancel`.
 */
export interface Abortable {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * One provider call's cancellation, or one request's. Its `AbortSignal` is made only when someone
 * asks for it: on Node 20 a signal costs about 22k instructions to make (each gets a hidden class
 * of its own, so every later access to it misses its inline caches), about 15k to listen on and
 * 18k to abort, which is more than many calls cost otherwise. Whoever does not need the signal
 * itself (the floor, the plugin host, the request's turns) listens here instead, and a call or
 * request whose signal nobody took ends without aborting one. A signal taken after the end is made
 * aborted, with the same reason. Listeners are an array, not an `EventTarget`'s: a request's
 * provider calls in flight each hold one, with no bound to warn about.
 */
export class CallCancel implements Abortable {
  aborted = false;
  reason: unknown = undefined;
  private controller: AbortController | undefined = undefined;
  private listeners: (() => void)[] | undefined = undefined;

  get signal(): AbortSignal {
    let controller = this.controller;
    if (controller === undefined) {
      controller = new AbortController();
      this.controller = controller;
      if (this.aborted) controller.abort(this.reason);
    }
    return controller.signal;
  }

  /** Ends the call once; `reason` as `AbortController.abort` takes it. */
  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener();
    this.controller?.abort(this.reason);
  }

  /** Heard once, when the call ends (never if it already has, as with an aborted signal). */
  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.aborted) return;
    if (this.listeners === undefined) this.listeners = [listener];
    else this.listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const listeners = this.listeners;
    if (listeners === undefined) return;
    const at = listeners.indexOf(listener);
    if (at >= 0) listeners.splice(at, 1);
  }
}

/**
 * The context a provider call's adapter receives (and a request's loaders hand their batches):
 * its signal is the call's or the request's own, made when first read (`CallCancel`). `signal` is
 * a getter of the class, so a copy made by spreading the context has none: pass the context on, or
 * name the signal in the copy (`{ ...ctx, signal: ctx.signal }`).
 */
export class ProviderCallContext implements CallContext {
  constructor(
    readonly cancel: CallCancel,
    readonly requestId: string | undefined,
    readonly actor: string | undefined,
  ) {}

  get signal(): AbortSignal {
    return this.cancel.signal;
  }
}

/**
 * What ends the call `ctx` was given for, without making its signal when it is a provider call's
 * or a request's: for whoever only waits on it (the plugin host, single-flight, the read cache),
 * not for handing on to code that wants a signal.
 */
export function cancelOf(ctx: CallContext & { readonly signal: AbortSignal }): Abortable;
export function cancelOf(ctx: CallContext): Abortable | undefined;
export function cancelOf(ctx: CallContext): Abortable | undefined {
  return ctx instanceof ProviderCallContext ? ctx.cancel : ctx.signal;
}
