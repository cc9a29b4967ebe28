import type { MessageNode } from '../src/data/models.js';
import type { Resolvers } from '../src/generated/graphql.js';
import { decodeInputId, isUserError, mutationFailure, requireText } from './shared.js';

export const messagingResolvers: Resolvers = {
  Mutation: {
    async messageSend(_, { input }, ctx) {
      const problem =
        requireText(input.channel, ['input', 'channel'], 200) ?? requireText(input.body, ['input', 'body'], 40_000);
      if (problem) return { message: null, userErrors: [problem] };
      let incidentId: string | undefined;
      if (input.incidentId) {
        const id = decodeInputId(input.incidentId, 'Incident', ['input', 'incidentId']);
        if (isUserError(id)) return { message: null, userErrors: [id] };
        incidentId = id.nativeId;
      }
      try {
        const { provider, impl } = ctx.registry.primary('messaging');
        const message = await impl.send(
          { channel: input.channel, body: input.body, ...(incidentId ? { incidentId } : {}) },
          { requestId: ctx.requestId },
        );
        return { message: { ...message, provider }, userErrors: [] };
      } catch (err) {
        return { message: null, userErrors: [mutationFailure(err)] };
      }
    },
  },
  Message: {
    source: (parent: MessageNode) => ({ provider: parent.provider, capability: 'MESSAGING', nativeId: parent.id }),
  },
};
