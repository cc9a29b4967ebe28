/** Every in-process adapter kind the gateway can be configured with, by the name used in config. */
import type { AdapterFactory } from './contract/index.js';
import { createMockAdapter } from './mock/index.js';

export const adapterFactories: Record<string, AdapterFactory> = {
  mock: createMockAdapter,
};
