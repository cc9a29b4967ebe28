/**
 * Text a caller wrote → Slack mrkdwn that cannot do more than show that text. Slack gives meaning
 * to `<...>` (mentions like `<!channel>` and `<@U1>`, links `<url|label>`) and to `&`, so those three
 * characters are escaped; `@channel`/`@here`/`@everyone` typed as words are broken with a zero-width
 * space so they never notify, whatever `link_names` does. Then the little Markdown people type
 * becomes mrkdwn: `[label](https://…)` links (http and https only), `**bold**` and `~~strike~~`.
 */

const MARKDOWN_LINK = /\[([^\]\n]{1,500})\]\((https?:\/\/[^\s()<>]+)\)/g;
const BROADCAST = /@(channel|here|everyone)\b/gi;

/** Escapes Slack's control characters and defuses broadcast words. */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(BROADCAST, '@\u200b$1');
}

/** An http(s) URL as Slack link syntax accepts it: no `<`, `>`, `|` or spaces left raw. */
export function linkTarget(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  return parsed.href.replace(/[<>| ]/g, (c) => encodeURIComponent(c));
}

/** `<url|label>` with the label escaped; plain escaped label when the URL is not http(s). */
export function link(url: string, label: string): string {
  const target = linkTarget(url);
  const text = escapeText(label).replace(/\|/g, '¦');
  return target ? `<${target}|${text}>` : text;
}

/** Markdown typed by a person → safe mrkdwn. */
export function toMrkdwn(markdown: string): string {
  let out = '';
  let last = 0;
  for (const match of markdown.matchAll(MARKDOWN_LINK)) {
    out += inline(markdown.slice(last, match.index));
    out += link(match[2] as string, match[1] as string);
    last = match.index + match[0].length;
  }
  return out + inline(markdown.slice(last));
}

function inline(text: string): string {
  return escapeText(text)
    .replace(/\*\*(?=\S)([^*\n]+?)\*\*/g, '*$1*')
    .replace(/~~(?=\S)([^~\n]+?)~~/g, '~$1~');
}

/** Plain text for `plain_text` objects (headers): Slack shows it verbatim, so only length matters. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
