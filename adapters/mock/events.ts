import type { ProviderEvent } from '../contract/index.js';

export type Listener = (event: ProviderEvent) => void;

/** Synchronous fan-out; a throwing listener must not break the mutation that emitted. */
export class EventBus {
  readonly #listeners = new Set<Listener>();

  on(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  emit(event: ProviderEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch {
        // A subscriber's bug is the subscriber's problem.
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
