import type { Message, MessageSend } from '../../contract/index.js';
import { links } from '../world/links.js';
import { hash32 } from '../world/rng.js';
import { keepNewest, WORLD_BOUNDS } from './bounds.js';
import { actorOf, type OpsContext, requireText } from './context.js';
import { appendEntry, findIncident } from './incidents.js';

/** Slack channel IDs are stable per workspace: derive one from the name. */
function channelId(channel: string): string {
  const name = channel.replace(/^#/, '').toLowerCase();
  return `C${hash32('slack-channel', name).toString(36).toUpperCase().padStart(8, '0')}`;
}

export function sendMessage(ctx: OpsContext, input: MessageSend): Message {
  const { world } = ctx;
  const channel = requireText(input.channel, 'channel');
  const body = requireText(input.body, 'body');
  // Validate the incident first, so a bad ID does not leave a half-done send behind.
  const incident = input.incidentId ? findIncident(ctx, input.incidentId) : undefined;
  const sentAt = world.clock.now();
  // Slack message IDs are timestamps with microseconds; the clock never repeats a millisecond.
  const ts = `${Math.floor(sentAt / 1000)}.${String((sentAt % 1000) * 1000).padStart(6, '0')}`;
  const id = channelId(channel);
  const message: Message = {
    id: ts,
    channel,
    body,
    sentAt: new Date(sentAt).toISOString(),
    url: links.message(id, ts),
    fields: { channel_id: id, ts },
  };
  world.messages.push(message);
  keepNewest(world.messages, WORLD_BOUNDS.messages);
  if (incident) {
    appendEntry(ctx, incident, {
      kind: 'MESSAGE',
      body,
      actor: actorOf(ctx),
      fields: { channel, messageUrl: message.url },
    });
  }
  return message;
}
