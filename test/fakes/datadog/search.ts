/**
 * Datadog log search syntax, as much as the fake needs to judge what the gateway sends: terms
 * separated by whitespace are ANDed; `OR` between terms; `"quoted phrases"`; backslash escapes;
 * `-` negates; `key:value` matches a tag (or `@attribute`), with unescaped `*` as a wildcard;
 * `key:(a OR b)` groups; a bare term or phrase matches the message. Anything it cannot read is a
 * syntax error, as Datadog answers 400 for it.
 */
export interface SearchableLog {
  message: string;
  status: string;
  service: string;
  tags: string[];
  attributes: Record<string, unknown>;
}

type Token = { text: string; quoted: boolean; wild: boolean[] } | { op: 'OR' | '(' | ')' };

export class SearchSyntaxError extends Error {}

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const c = query[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      tokens.push({ op: c });
      i++;
      continue;
    }
    let text = '';
    const wild: boolean[] = [];
    let quoted = false;
    while (
      i < query.length &&
      !/\s/.test(query[i] as string) &&
      query[i] !== ')' &&
      !(query[i] === '(' && text.endsWith(':'))
    ) {
      const ch = query[i] as string;
      if (ch === '\\') {
        if (i + 1 >= query.length) throw new SearchSyntaxError('dangling escape');
        text += query[i + 1];
        wild.push(false);
        i += 2;
      } else if (ch === '"') {
        quoted = true;
        i++;
        while (i < query.length && query[i] !== '"') {
          if (query[i] === '\\') i++;
          text += query[i] ?? '';
          wild.push(false);
          i++;
        }
        if (query[i] !== '"') throw new SearchSyntaxError('unterminated quote');
        i++;
      } else if (ch === '(') {
        throw new SearchSyntaxError('unexpected (');
      } else {
        text += ch;
        wild.push(ch === '*');
        i++;
      }
    }
    if (!quoted && text === 'OR') tokens.push({ op: 'OR' });
    else if (!quoted && (text === 'AND' || text === 'NOT')) throw new SearchSyntaxError(`the fake does not do ${text}`);
    else tokens.push({ text, quoted, wild });
  }
  return tokens;
}

function pattern(text: string, wild: boolean[]): RegExp {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    out += wild[i] ? '.*' : (text[i] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'i');
}

function valuesOf(log: SearchableLog, key: string): string[] {
  if (key === 'status') return [log.status];
  if (key === 'service') return [log.service];
  if (key.startsWith('@')) {
    const v = key
      .slice(1)
      .split('.')
      .reduce<unknown>(
        (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
        log.attributes,
      );
    return v === undefined ? [] : [String(v)];
  }
  return log.tags.filter((t) => t.startsWith(`${key}:`)).map((t) => t.slice(key.length + 1));
}

type Predicate = (log: SearchableLog) => boolean;

export function compileSearch(query: string): Predicate {
  const tokens = tokenize(query);
  let pos = 0;
  const isOp = (t: Token | undefined, op: string) => t !== undefined && 'op' in t && t.op === op;

  function term(): Predicate {
    const token = tokens[pos++];
    if (token === undefined) throw new SearchSyntaxError('unexpected end');
    if ('op' in token) {
      if (token.op !== '(') throw new SearchSyntaxError(`unexpected ${token.op}`);
      const inner = or();
      if (!isOp(tokens[pos++], ')')) throw new SearchSyntaxError('unclosed (');
      return inner;
    }
    let { text, wild } = token;
    let negate = false;
    if (!token.quoted && text.startsWith('-') && !wild[0]) {
      negate = true;
      text = text.slice(1);
      wild = wild.slice(1);
    }
    const colon = token.quoted ? -1 : text.indexOf(':');
    let predicate: Predicate;
    if (colon > 0 && text.length === colon + 1) {
      // key:(a OR b)
      const key = text.slice(0, colon);
      if (!isOp(tokens[pos++], '(')) throw new SearchSyntaxError('empty value');
      const options: RegExp[] = [];
      while (pos < tokens.length && !isOp(tokens[pos], ')')) {
        const t = tokens[pos++] as Token;
        if (!('op' in t)) options.push(pattern(t.text, t.wild));
      }
      if (!isOp(tokens[pos++], ')')) throw new SearchSyntaxError('unclosed group');
      predicate = (log) => valuesOf(log, key).some((v) => options.some((re) => re.test(v)));
    } else if (colon > 0) {
      const key = text.slice(0, colon);
      const re = pattern(text.slice(colon + 1), wild.slice(colon + 1));
      predicate = (log) => valuesOf(log, key).some((v) => re.test(v));
    } else if (text === '*' && wild[0]) {
      predicate = () => true;
    } else {
      const needle = text.toLowerCase();
      predicate = (log) => log.message.toLowerCase().includes(needle);
    }
    return negate ? (log) => !predicate(log) : predicate;
  }

  function and(): Predicate {
    const parts: Predicate[] = [];
    while (pos < tokens.length && !isOp(tokens[pos], 'OR') && !isOp(tokens[pos], ')')) parts.push(term());
    if (parts.length === 0) throw new SearchSyntaxError('empty expression');
    return (log) => parts.every((p) => p(log));
  }

  function or(): Predicate {
    const parts = [and()];
    while (isOp(tokens[pos], 'OR')) {
      pos++;
      parts.push(and());
    }
    return (log) => parts.some((p) => p(log));
  }

  const predicate = or();
  if (pos < tokens.length) throw new SearchSyntaxError('unexpected )');
  return predicate;
}
