/**
 * The fake's JQL: a real tokenizer and parser for the subset the adapter may send (clauses joined
 * by AND/OR with parentheses, `=`, `!=`, `~`, `in`, `not in`, ORDER BY). Quoted strings honour
 * `\"` and `\\` exactly as Jira does, so a badly escaped value really does change the query —
 * which is what the injection tests need to catch.
 */

export type Clause =
  | { kind: 'and'; left: Clause; right: Clause }
  | { kind: 'or'; left: Clause; right: Clause }
  | { kind: 'cmp'; field: string; op: '=' | '!=' | '~' | 'in' | 'not in'; values: string[] };

export interface ParsedJql {
  where: Clause | null;
  orderBy: { field: string; desc: boolean }[];
}

export class JqlError extends Error {}

type Token = { type: 'string' | 'word' | 'op' | 'punct'; value: string };

const RESERVED = new Set(['and', 'or', 'not', 'empty', 'null', 'order', 'by', 'in', 'is']);

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const c = jql[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      let value = '';
      i++;
      while (i < jql.length && jql[i] !== c) {
        if (jql[i] === '\\') {
          const next = jql[i + 1];
          if (next === undefined) throw new JqlError('Error in the JQL Query: unterminated escape.');
          value += next;
          i += 2;
        } else {
          value += jql[i];
          i++;
        }
      }
      if (i >= jql.length)
        throw new JqlError(`Error in the JQL Query: The quoted string '${value}' has not been completed.`);
      i++;
      tokens.push({ type: 'string', value });
    } else if (c === '!' && jql[i + 1] === '=') {
      tokens.push({ type: 'op', value: '!=' });
      i += 2;
    } else if (c === '=' || c === '~') {
      tokens.push({ type: 'op', value: c });
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: 'punct', value: c });
      i++;
    } else {
      const word = /^[A-Za-z0-9_.\-:@]+/.exec(jql.slice(i))?.[0];
      if (!word) throw new JqlError(`Error in the JQL Query: The character '${c}' is a reserved JQL character.`);
      tokens.push({ type: 'word', value: word });
      i += word.length;
    }
  }
  return tokens;
}

export function parseJql(jql: string): ParsedJql {
  const tokens = tokenize(jql);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (w: string) => peek()?.type === 'word' && peek()?.value.toLowerCase() === w;
  const expect = (type: Token['type'], value?: string) => {
    const t = tokens[pos++];
    if (!t || t.type !== type || (value !== undefined && t.value !== value)) {
      throw new JqlError(`Error in the JQL Query: Expecting ${value ?? type} but got '${t?.value ?? 'end of query'}'.`);
    }
    return t;
  };
  const value = (): string => {
    const t = tokens[pos++];
    if (!t || (t.type !== 'string' && t.type !== 'word'))
      throw new JqlError('Error in the JQL Query: Expecting a value.');
    if (t.type === 'word' && RESERVED.has(t.value.toLowerCase())) {
      throw new JqlError(
        `Error in the JQL Query: '${t.value}' is a reserved JQL word. You must surround it in quotation marks.`,
      );
    }
    return t.value;
  };

  const clause = (): Clause => {
    if (peek()?.type === 'punct' && peek()?.value === '(') {
      pos++;
      const inner = or();
      expect('punct', ')');
      return inner;
    }
    const field = expect('word').value.toLowerCase();
    let op: '=' | '!=' | '~' | 'in' | 'not in';
    if (isWord('in')) {
      pos++;
      op = 'in';
    } else if (isWord('not')) {
      pos++;
      if (!isWord('in')) throw new JqlError("Error in the JQL Query: Expecting 'in' after 'not'.");
      pos++;
      op = 'not in';
    } else {
      op = expect('op').value as '=' | '!=' | '~';
    }
    if (op === 'in' || op === 'not in') {
      expect('punct', '(');
      const values = [value()];
      while (peek()?.value === ',') {
        pos++;
        values.push(value());
      }
      expect('punct', ')');
      return { kind: 'cmp', field, op, values };
    }
    return { kind: 'cmp', field, op, values: [value()] };
  };
  const and = (): Clause => {
    let left = clause();
    while (isWord('and')) {
      pos++;
      left = { kind: 'and', left, right: clause() };
    }
    return left;
  };
  const or = (): Clause => {
    let left = and();
    while (isWord('or')) {
      pos++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };

  const where = peek() && !isWord('order') ? or() : null;
  const orderBy: ParsedJql['orderBy'] = [];
  if (isWord('order')) {
    pos++;
    if (!isWord('by')) throw new JqlError("Error in the JQL Query: Expecting 'by' after 'order'.");
    pos++;
    do {
      if (peek()?.value === ',') pos++;
      const field = expect('word').value.toLowerCase();
      let desc = false;
      if (isWord('desc') || isWord('asc')) desc = tokens[pos++]?.value.toLowerCase() === 'desc';
      orderBy.push({ field, desc });
    } while (peek()?.value === ',');
  }
  if (pos < tokens.length)
    throw new JqlError(`Error in the JQL Query: Expecting end of query but got '${peek()?.value}'.`);
  return { where, orderBy };
}
