/**
 * Plain text ⇄ Atlassian Document Format (ADF), the JSON rich-text format Jira Cloud's v3 API
 * speaks for descriptions. The text side is a small Markdown dialect, so what a user types keeps
 * its structure in Jira and comes back the same: paragraphs (blank-line separated, single line
 * breaks kept), `#` headings, `-`/`*` bullet and `1.` numbered lists, fenced code blocks, `>`
 * quotes, `---` rules, and inline `[text](url)`, bare URLs, `code`, **strong** and *emphasis*.
 * Nodes with no text equivalent (mentions, emoji, cards, tables) come back as readable text.
 */

export interface AdfMark {
  type: string;
  attrs?: Record<string, unknown>;
}

export interface AdfNode {
  type: string;
  text?: string;
  marks?: AdfMark[];
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
}

export interface AdfDoc extends AdfNode {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

// --- text → ADF --------------------------------------------------------------------------------

const BULLET = /^[-*] (.*)$/;
const ORDERED = /^(\d+)\. (.*)$/;
const HEADING = /^(#{1,6}) (.*)$/;
const FENCE = /^```(\S*)\s*$/;

export function textToAdf(text: string): AdfDoc {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const content: AdfNode[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const code: string[] = [];
      i++;
      while (i < lines.length && !/^```\s*$/.test(lines[i] as string)) code.push(lines[i++] as string);
      i++;
      content.push({
        type: 'codeBlock',
        ...(fence[1] ? { attrs: { language: fence[1] } } : {}),
        ...(code.length ? { content: [{ type: 'text', text: code.join('\n') }] } : {}),
      });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      content.push({ type: 'heading', attrs: { level: heading[1]?.length }, content: inline(heading[2] ?? '') });
      i++;
      continue;
    }
    if (/^-{3,}\s*$/.test(line)) {
      content.push({ type: 'rule' });
      i++;
      continue;
    }
    if (BULLET.test(line) || ORDERED.test(line)) {
      const ordered = ORDERED.test(line);
      const pattern = ordered ? ORDERED : BULLET;
      const items: AdfNode[] = [];
      const start = ordered ? Number(ORDERED.exec(line)?.[1]) : 1;
      while (i < lines.length && pattern.test(lines[i] as string)) {
        const match = pattern.exec(lines[i] as string);
        const itemText = (ordered ? match?.[2] : match?.[1]) ?? '';
        items.push({ type: 'listItem', content: [{ type: 'paragraph', content: inline(itemText) }] });
        i++;
      }
      content.push({
        type: ordered ? 'orderedList' : 'bulletList',
        ...(ordered && start !== 1 ? { attrs: { order: start } } : {}),
        content: items,
      });
      continue;
    }
    if (line.startsWith('> ') || line === '>') {
      const quoted: string[] = [];
      while (i < lines.length && ((lines[i] as string).startsWith('> ') || lines[i] === '>')) {
        quoted.push((lines[i] as string).slice(2));
        i++;
      }
      content.push({ type: 'blockquote', content: textToAdf(quoted.join('\n')).content });
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && (lines[i] as string).trim() !== '' && !startsBlock(lines[i] as string)) {
      paragraph.push(lines[i] as string);
      i++;
    }
    const nodes: AdfNode[] = [];
    paragraph.forEach((p, n) => {
      if (n > 0) nodes.push({ type: 'hardBreak' });
      nodes.push(...inline(p));
    });
    content.push({ type: 'paragraph', content: nodes });
  }
  return { type: 'doc', version: 1, content };
}

function startsBlock(line: string): boolean {
  return (
    FENCE.test(line) ||
    HEADING.test(line) ||
    BULLET.test(line) ||
    ORDERED.test(line) ||
    line.startsWith('> ') ||
    /^-{3,}\s*$/.test(line)
  );
}

/** Inline tokens, first match wins: code, link, bare URL, strong, emphasis. */
const INLINE =
  /`([^`]+)`|\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*/g;

function inline(text: string): AdfNode[] {
  const nodes: AdfNode[] = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const at = match.index ?? 0;
    if (at > last) nodes.push({ type: 'text', text: text.slice(last, at) });
    const [, code, linkText, linkHref, url, strong, em] = match;
    if (code !== undefined) nodes.push({ type: 'text', text: code, marks: [{ type: 'code' }] });
    else if (linkText !== undefined) nodes.push(linked(linkText, linkHref as string));
    else if (url !== undefined) nodes.push(linked(url, url));
    else if (strong !== undefined) nodes.push({ type: 'text', text: strong, marks: [{ type: 'strong' }] });
    else if (em !== undefined) nodes.push({ type: 'text', text: em, marks: [{ type: 'em' }] });
    last = at + match[0].length;
  }
  if (last < text.length) nodes.push({ type: 'text', text: text.slice(last) });
  return nodes;
}

function linked(text: string, href: string): AdfNode {
  return { type: 'text', text, marks: [{ type: 'link', attrs: { href } }] };
}

// --- ADF → text --------------------------------------------------------------------------------

export function adfToText(doc: unknown): string {
  if (typeof doc === 'string') return doc;
  if (!isNode(doc)) return '';
  return blocks(doc.content ?? []).trimEnd();
}

function isNode(value: unknown): value is AdfNode {
  return typeof value === 'object' && value !== null && typeof (value as AdfNode).type === 'string';
}

function blocks(nodes: AdfNode[]): string {
  return nodes
    .map(block)
    .filter((b) => b !== '')
    .join('\n\n');
}

function block(node: AdfNode): string {
  const children = node.content ?? [];
  switch (node.type) {
    case 'paragraph':
      return inlineText(children);
    case 'heading':
      return `${'#'.repeat(Number(node.attrs?.level ?? 1))} ${inlineText(children)}`;
    case 'bulletList':
      return children.map((item) => `- ${listItem(item)}`).join('\n');
    case 'orderedList': {
      const start = Number(node.attrs?.order ?? 1);
      return children.map((item, n) => `${start + n}. ${listItem(item)}`).join('\n');
    }
    case 'codeBlock': {
      const language = typeof node.attrs?.language === 'string' ? node.attrs.language : '';
      return `\`\`\`${language}\n${children.map((c) => c.text ?? '').join('')}\n\`\`\``;
    }
    case 'blockquote':
      return blocks(children)
        .split('\n')
        .map((l) => (l === '' ? '>' : `> ${l}`))
        .join('\n');
    case 'rule':
      return '---';
    case 'table':
      return children
        .map((row) => (row.content ?? []).map((cell) => blocks(cell.content ?? [])).join(' | '))
        .join('\n');
    case 'mediaSingle':
    case 'mediaGroup':
      return '';
    default:
      return children.length ? blocks(children) : inlineText([node]);
  }
}

/** A list item's first paragraph inline; nested blocks follow, indented. */
function listItem(item: AdfNode): string {
  const [first, ...rest] = item.content ?? [];
  const head = first ? block(first) : '';
  const tail = rest.map((b) => block(b).replace(/^/gm, '  '));
  return [head, ...tail].join('\n');
}

function inlineText(nodes: AdfNode[]): string {
  return nodes.map(inlineNode).join('');
}

function inlineNode(node: AdfNode): string {
  switch (node.type) {
    case 'text':
      return marked(node.text ?? '', node.marks ?? []);
    case 'hardBreak':
      return '\n';
    case 'mention':
      return `@${String(node.attrs?.text ?? node.attrs?.id ?? '').replace(/^@/, '')}`;
    case 'emoji':
      return String(node.attrs?.text ?? node.attrs?.shortName ?? '');
    case 'inlineCard':
    case 'blockCard':
      return String(node.attrs?.url ?? '');
    case 'date':
      return new Date(Number(node.attrs?.timestamp ?? 0)).toISOString().slice(0, 10);
    case 'status':
      return `[${String(node.attrs?.text ?? '')}]`;
    default:
      return inlineText(node.content ?? []);
  }
}

function marked(text: string, marks: AdfMark[]): string {
  let out = text;
  if (marks.some((m) => m.type === 'code')) out = `\`${out}\``;
  if (marks.some((m) => m.type === 'strong')) out = `**${out}**`;
  if (marks.some((m) => m.type === 'em')) out = `*${out}*`;
  const link = marks.find((m) => m.type === 'link');
  const href = typeof link?.attrs?.href === 'string' ? link.attrs.href : undefined;
  if (href) out = href === text ? href : `[${out}](${href})`;
  return out;
}
