/**
 * Slack (Web API) as the messaging provider: Block Kit messages with a text fallback, thread
 * replies and permalinks. Health is `auth.test`.
 */
import type { Adapter, AdapterFactory } from '../contract/index.js';
import { createSlackCall } from './client.js';
import { parseSlackConfig } from './config.js';
import { messagingCapability } from './messaging.js';

export const createSlackAdapter: AdapterFactory = (raw, env) => {
  const config = parseSlackConfig(raw);
  const call = createSlackCall(config, env.logger);
  const adapter: Adapter = {
    kind: 'slack',
    capabilities: { messaging: messagingCapability(call, env.logger) },
    async checkHealth(ctx) {
      try {
        await call('auth.test', {}, ctx.signal);
        return { status: 'HEALTHY' };
      } catch (err) {
        return { status: 'DOWN', message: (err as Error).message };
      }
    },
  };
  return adapter;
};
