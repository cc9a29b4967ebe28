import { oneOf, toolInput } from '../json-schema.js';
import { isRec, READ, run, type Tool } from '../tool.js';

const CAPABILITIES = ['incident', 'alert', 'log', 'metric', 'ticket', 'service', 'deployment', 'team', 'orchestration'];

export const listProviders: Tool = {
  name: 'list-providers',
  title: 'List Capability Providers',
  description: 'Which provider instances serve a capability, in the order the gateway asks them.',
  inputSchema: toolInput({ capability: oneOf(CAPABILITIES) }, ['capability']),
  outputSchema: {
    type: 'object',
    properties: { providers: { type: 'array', items: { type: 'string' } } },
    required: ['providers'],
  },
  annotations: READ,
  writes: false,
  async run(args, ctx) {
    const { data } = await run(ctx, 'list-providers', {});
    const wanted = String(args.capability).toUpperCase();
    const providers = (Array.isArray(data.providers) ? data.providers : [])
      .filter(isRec)
      .filter((p) => p.capability === wanted)
      .map((p) => String(p.provider));
    return { structured: { providers } };
  },
};
