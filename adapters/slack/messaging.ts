/**
 * `messageSend` over `chat.postMessage`, then `chat.getPermalink` for the message's `url`. The
 * permalink is a read after the write: if it fails, the message was still posted, so the send
 * succeeds with `url: null` rather than inviting a duplicate post.
 */
import type { AdapterLogger, Message, MessagingCapability } from '../contract/index.js';
import type { SlackCall } from './client.js';
import { layout } from './layout.js';

export function messagingCapability(call: SlackCall, logger: AdapterLogger): MessagingCapability {
  return {
    async send(input, ctx) {
      const { text, blocks } = layout(input);
      const posted = await call(
        'chat.postMessage',
        {
          channel: input.channel,
          text,
          blocks,
          ...(input.threadId ? { thread_ts: input.threadId } : {}),
          // Mentions and links come only from the escaped markup built here, never from Slack's parsing.
          link_names: false,
          parse: 'none',
          unfurl_links: false,
          unfurl_media: false,
        },
        ctx.signal,
      );
      const channel = String(posted.channel ?? input.channel);
      const ts = String(posted.ts ?? '');
      let url: string | null = null;
      try {
        const link = await call('chat.getPermalink', { channel, message_ts: ts }, ctx.signal);
        url = typeof link.permalink === 'string' ? link.permalink : null;
      } catch (err) {
        logger.warn({ channel, ts, err: (err as Error).message }, 'Slack message posted but its permalink is unknown');
      }
      const message: Message = {
        id: ts,
        channel,
        body: input.body,
        sentAt: tsToIso(ts),
        url,
        threadId: input.threadId ?? null,
        metadata: { ts, channelId: channel, ...(input.threadId ? { threadTs: input.threadId } : {}) },
      };
      return message;
    },
  };
}

/** Slack's `ts` is the post time in epoch seconds with microseconds, e.g. `1700000000.000100`. */
function tsToIso(ts: string): string {
  const seconds = Number(ts);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : new Date().toISOString();
}
