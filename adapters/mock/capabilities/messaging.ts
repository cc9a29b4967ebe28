import type { MessagingCapability } from '../../contract/index.js';
import { copy } from '../copy.js';
import type { OpsContext } from '../ops/context.js';
import { sendMessage } from '../ops/messaging.js';

export function messagingCapability(ctx: OpsContext): MessagingCapability {
  return { send: async (input) => copy(sendMessage(ctx, input)) };
}
