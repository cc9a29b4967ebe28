/**
 * A provider call's cancellation: its listeners hear the end once, and its `AbortSignal`, made
 * only when read, is a real one that aborts with the call, or is made aborted with the same reason
 * when read after the call ended.
 */
import { describe, expect, it } from 'vitest';
import { CallCancel, cancelOf, ProviderCallContext } from '../../../adapters/contract/index.js';

describe('CallCancel', () => {
  it('tells its listeners once, in order, and not one removed before the end', () => {
    const cancel = new CallCancel();
    const heard: string[] = [];
    const removed = () => heard.push('removed');
    cancel.addEventListener('abort', () => heard.push('first'));
    cancel.addEventListener('abort', removed);
    cancel.addEventListener('abort', () => heard.push(`second ${String(cancel.reason)}`));
    cancel.removeEventListener('abort', removed);
    cancel.abort('gone');
    cancel.abort('again');
    expect(heard).toEqual(['first', 'second gone']);
    expect(cancel.aborted).toBe(true);
    expect(cancel.reason).toBe('gone');
    cancel.addEventListener('abort', () => heard.push('late'));
    expect(heard).toEqual(['first', 'second gone']);
  });

  it('aborts a signal read before the end with it, with its reason', () => {
    const cancel = new CallCancel();
    const signal = cancel.signal;
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(cancel.signal).toBe(signal);
    let reason: unknown;
    signal.addEventListener('abort', () => {
      reason = signal.reason;
    });
    const why = new Error('deadline');
    cancel.abort(why);
    expect(signal.aborted).toBe(true);
    expect(reason).toBe(why);
  });

  it('makes a signal read after the end aborted, with the same reason', () => {
    const cancel = new CallCancel();
    const why = new Error('returned');
    cancel.abort(why);
    expect(cancel.signal.aborted).toBe(true);
    expect(cancel.signal.reason).toBe(why);
  });

  it('ends without a reason as an aborted signal would: an AbortError', () => {
    const cancel = new CallCancel();
    cancel.abort();
    expect(cancel.reason).toBeInstanceOf(DOMException);
    expect((cancel.reason as DOMException).name).toBe('AbortError');
    expect(cancel.signal.reason).toBe(cancel.reason);
  });
});

describe('cancelOf', () => {
  it("gives a provider call's cancellation without making its signal, and any other context's signal", () => {
    const cancel = new CallCancel();
    const ctx = new ProviderCallContext(cancel, 'r1', undefined);
    expect(cancelOf(ctx)).toBe(cancel);
    expect(ctx.requestId).toBe('r1');
    expect(ctx.signal).toBe(cancel.signal);
    const signal = new AbortController().signal;
    expect(cancelOf({ signal })).toBe(signal);
    expect(cancelOf({})).toBeUndefined();
  });
});
