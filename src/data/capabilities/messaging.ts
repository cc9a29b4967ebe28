/** Messaging: sending through the first messaging provider. */
import type * as m from '../../../adapters/contract/index.js';
import type { RequestData } from '../floor.js';
import type { MessageNode } from '../models.js';

export class MessagingData {
  constructor(private readonly data: RequestData) {}

  /** The provider messages go to: the first configured for messaging. */
  get provider(): string {
    return this.data.floor.registry.primary('messaging').provider;
  }

  async send(input: m.MessageSend): Promise<MessageNode> {
    const provider = this.provider;
    const message = await this.data.write('messaging', provider, 'send', (impl, ctx) => impl.send(input, ctx));
    return { ...message, provider };
  }
}
