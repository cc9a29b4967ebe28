import type { MessagingCapability } from '../../contract/index.js';
import { copy } from '../copy.js';
import type { OpsContext } from '../ops/context.js';
import { forCall } from '../ops/context.js';
import { sendMessage } from '../ops/messaging.js';

export function messagingCapability(ctx: OpsContext): MessagingCapability {
  return { send: async (input, call) => copy(sendMessage(forCall(ctx, call), input)) };
}
