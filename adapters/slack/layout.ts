/**
 * The message Slack receives: `text` (what notifications, screen readers and old clients show) is
 * always set, and `blocks` follow one order — header, section(s), fields, context — so every
 * message the gateway posts reads the same way. Slack's Block Kit limits are respected: header
 * 150 characters, section text 3000, 10 fields of 2000, 10 context elements, 50 blocks.
 */
import type { IncidentSummary, MessageSend } from '../contract/index.js';
import { escapeText, link, toMrkdwn, truncate } from './mrkdwn.js';

export type Block =
  | { type: 'header'; text: { type: 'plain_text'; text: string } }
  | { type: 'section'; text?: { type: 'mrkdwn'; text: string }; fields?: { type: 'mrkdwn'; text: string }[] }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] };

const SECTION_MAX = 3000;
const FIELD_MAX = 2000;
const TEXT_MAX = 39_000;
/** Blocks left for the body once header, fields and context are placed. */
const BODY_BLOCKS_MAX = 45;

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

export function layout(input: MessageSend): SlackMessage {
  const summary = input.incident ?? null;
  const body = toMrkdwn(input.body);
  const blocks: Block[] = [];
  if (summary) {
    blocks.push({
      type: 'header',
      text: { type: 'plain_text', text: truncate(`${summary.severity} · ${summary.title}`, 150) },
    });
  }
  for (const chunk of chunks(body, SECTION_MAX).slice(0, BODY_BLOCKS_MAX)) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk } });
  }
  if (summary) {
    blocks.push({ type: 'section', fields: fieldsOf(summary) });
    const links = linksOf(summary);
    if (links.length) blocks.push({ type: 'context', elements: links.map((text) => ({ type: 'mrkdwn', text })) });
  }
  return { text: truncate(summary ? `${fallbackOf(summary)}\n${body}` : body, TEXT_MAX), blocks };
}

function fieldsOf(s: IncidentSummary): { type: 'mrkdwn'; text: string }[] {
  const onCall = s.onCall.length
    ? s.onCall.map(
        (p) => `${p.url ? link(p.url, p.name) : escapeText(p.name)}${p.role ? ` (${escapeText(p.role)})` : ''}`,
      )
    : ['nobody on call'];
  return [
    ['Severity', escapeText(s.severity)],
    ['Status', escapeText(s.status)],
    ['Service', s.service ? escapeText(s.service) : '—'],
    ['On call', onCall.join(', ')],
  ].map(([label, value]) => ({ type: 'mrkdwn', text: truncate(`*${label}*\n${value}`, FIELD_MAX) }));
}

function linksOf(s: IncidentSummary): string[] {
  const all = [...(s.url ? [{ label: 'Open incident', url: s.url }] : []), ...s.links];
  return all.slice(0, 10).map((l) => link(l.url, l.label));
}

/** The summary as one line of mrkdwn, for `text`. */
function fallbackOf(s: IncidentSummary): string {
  const parts = [`${s.severity} ${s.status}: ${escapeText(s.title)}`];
  if (s.service) parts.push(`service ${escapeText(s.service)}`);
  if (s.onCall.length) parts.push(`on call ${s.onCall.map((p) => escapeText(p.name)).join(', ')}`);
  if (s.url) parts.push(link(s.url, 'open incident'));
  return parts.join(' · ');
}

/** Splits at line breaks where possible, never inside an escape or link. */
function chunks(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = safeCut(rest, max);
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest.length || out.length === 0) out.push(rest || ' ');
  return out;
}

function safeCut(text: string, max: number): number {
  const open = text.lastIndexOf('<', max);
  const amp = text.lastIndexOf('&', max);
  let cut = max;
  if (open > text.lastIndexOf('>', max)) cut = Math.min(cut, open);
  if (amp > text.lastIndexOf(';', max) && max - amp < 6) cut = Math.min(cut, amp);
  return cut > 0 ? cut : max;
}
