/** The stand-in that swaps a rebuilt adapter in when a secret rotates. */
import { describe, expect, it } from 'vitest';
import type { Adapter, MessageSend, ProviderEvent } from '../../../adapters/contract/index.js';
import { swappable } from '../../../src/providers/rotation.js';

/** An adapter that answers with its own name, holds a send until released, and records its close. */
function named(name: string) {
  const releases: (() => void)[] = [];
  const listeners = new Set<(e: ProviderEvent) => void>();
  const state = { closed: false };
  const adapter: Adapter = {
    kind: 'test',
    capabilities: {
      messaging: {
        send: (input: MessageSend) =>
          new Promise((resolve) =>
            releases.push(() => resolve({ id: name, channel: input.channel, body: input.body, sentAt: '', url: null })),
          ),
      },
    },
    checkHealth: async () => ({ status: 'HEALTHY', message: name }),
    status: () => ({ processes: name.length, restarts: name === 'a' ? 4 : 0 }),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      state.closed = true;
    },
  };
  return { adapter, releases, listeners, state };
}

describe('swappable', () => {
  it('sends new calls to the new adapter and closes the old one after its calls finish', async () => {
    const a = named('a');
    const b = named('b');
    let unsubscribed = false;
    const stand = swappable(a.adapter, () => {
      unsubscribed = true;
    });
    const send = stand.adapter.capabilities.messaging?.send;
    const early = send?.({ channel: 'c', body: '1' }, {});
    let swapped = false;
    const swap = stand.swap(b.adapter).then(() => {
      swapped = true;
    });
    const late = send?.({ channel: 'c', body: '2' }, {});
    b.releases.shift()?.();
    expect((await late)?.id).toBe('b');
    expect(a.state.closed).toBe(false);
    expect(swapped).toBe(false);
    a.releases.shift()?.();
    expect((await early)?.id).toBe('a');
    await swap;
    expect(a.state.closed).toBe(true);
    expect((await stand.adapter.checkHealth({})).message).toBe('b');
    await stand.adapter.close?.();
    expect(b.state.closed).toBe(true);
    expect(unsubscribed).toBe(true);
  });

  it('moves event listeners to the new adapter', async () => {
    const a = named('a');
    const b = named('b');
    const stand = swappable(a.adapter, () => {});
    const off = stand.adapter.onEvent?.(() => {});
    expect(a.listeners.size).toBe(1);
    await stand.swap(b.adapter);
    expect(a.listeners.size).toBe(0);
    expect(b.listeners.size).toBe(1);
    off?.();
    expect(b.listeners.size).toBe(0);
  });

  it('reports the status of the adapter serving now, not the one it replaced', async () => {
    const stand = swappable(named('a').adapter, () => {});
    expect(stand.adapter.status?.()).toEqual({ processes: 1, restarts: 4 });
    await stand.swap(named('bb').adapter);
    expect(stand.adapter.status?.()).toEqual({ processes: 2, restarts: 0 });
  });

  it('has no status when the adapter it stands for has none', () => {
    const { status: _status, ...bare } = named('a').adapter;
    expect(swappable(bare, () => {}).adapter.status).toBeUndefined();
  });
});
