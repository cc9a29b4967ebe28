/**
 * Plugin answers' records read lately, held with their parsed value. Consoles poll the same lists,
 * and a plugin answers an unchanged record with the same bytes (Go's encoder writes a record's keys
 * in order), though not always the same list: OpsOrch's mock plugins answer in map order, a new
 * text every time. So an answer whose result is a record or a list of records is read record by
 * record, each found again wherever it stands. Parsing the records again, then normalizing and
 * stamping them (`normalized-once.ts`, `src/data/stamp.ts`), was a fifth of what a plugin-backed
 * list of incidents cost the gateway.
 *
 * Where the line goes on with a text kept before, that is the record there: kept texts are found by
 * their first `HEAD` characters and compared whole (a memory compare), and a JSON object ends where
 * its own brackets close, so the one that starts with a whole kept record is that record. Any other
 * record is cut from the line by one regular expression (balanced brackets outside strings,
 * `MAX_DEPTH` deep), about half of what `JSON.parse` takes for the same text and four times what
 * finding a kept one takes. A whole text as a `Map` key would be hashed over every character, which
 * costs most of what parsing it does.
 *
 * An answer it does not cut (a record longer than `MAX_RECORD`, anything but a result of records: a
 * metric series, a log query's entries) is kept whole, the last one per method, and found again
 * only as that method's next answer: a page's log and metric queries ask for the same window until
 * its live end moves to the next second, and a plugin answers the same query with the same bytes.
 * Comparing two lines costs nothing where their lengths differ and a memory compare where they do
 * not, against parsing and normalizing tens of kilobytes.
 *
 * A record's value is parsed and held the second time its text is read: one that changes on every
 * call (a mock's timestamps relative to now) would otherwise cost a freeze and push out the ones
 * that come again. Texts read once are kept apart, in an eighth of the bound, so that a stream of
 * them never pushes out what is held. A held value is the same object for every call that reads the
 * same text, so it is frozen (a caller that changes it fails at once instead of changing another
 * request's answer), and a caller tells a held value by `Object.isFrozen` to keep what it derives
 * from it.
 *
 * Bounded by the length of the texts kept, read once or held (a held value takes a few times as
 * much heap): the oldest of each go first, and texts that begin alike (one record's versions)
 * number at most `BUCKET`.
 */
import { deepFreeze } from '../contract/index.js';

export const BUCKET = 8;

/** Characters a kept text is found by: a record's first field (its ID, mostly) and a little more. */
export const HEAD = 32;

/** Objects and arrays nested deeper in a list's record leave the answer to be parsed whole. */
export const MAX_DEPTH = 6;

/**
 * A record longer than this leaves its answer to be parsed whole: cutting costs most in long
 * records (a metric series' points), which are also the ones that change with the window, and a
 * page's big answers (its log entries) kept even briefly were promoted to the old generation.
 */
export const MAX_RECORD = 4096;

/** Answers to a method parsed whole after one that did not cut. */
export const UNCUT_SKIPS = 15;

const RESULT_HEAD = '{"result":';
const LIST_TAIL = ']}';
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

/** One JSON object, with nothing inside it nested deeper than `MAX_DEPTH`, matched where the search stands. */
const RECORD = ((): RegExp => {
  const string = String.raw`"[^"\\]*(?:\\.[^"\\]*)*"`;
  // One character a step, not a run: a run inside a repeated group backtracks exponentially when
  // the record does not match (nested too deep, cut short), one character cannot.
  const plain = String.raw`[^"{}\[\]]`;
  let nested = String.raw`[\[{](?:${plain}|${string})*[\]}]`;
  for (let depth = 2; depth < MAX_DEPTH; depth++) nested = String.raw`[\[{](?:${plain}|${string}|${nested})*[\]}]`;
  return new RegExp(String.raw`\{(?:${plain}|${string}|${nested})*\}`, 'y');
})();

interface Kept {
  readonly text: string;
  /** The method a whole answer answered; a record's text has none. */
  readonly method?: string;
  /** The parsed, frozen value, once the text was read a second time. */
  value?: unknown;
}

export class HeldAnswers {
  /** Kept texts by their first `HEAD` characters; a bucket's first is its oldest. */
  private readonly byHead = new Map<string, Kept[]>();
  /** Texts read once, oldest first (a `Set` keeps insertion order and deletes in O(1)). */
  private readonly once = new Set<Kept>();
  /** Texts held with their value, oldest first. */
  private readonly held = new Set<Kept>();
  private onceLength = 0;
  private heldLength = 0;
  private readonly maxOnceLength: number;
  private readonly maxHeldLength: number;
  /** Answers to each method still to be read whole; as many entries as the protocol has methods. */
  private readonly uncut = new Map<string, number>();
  /** Each method's last answer read whole; as many entries as the protocol has methods. */
  private readonly whole = new Map<string, Kept>();

  constructor(maxLength: number) {
    this.maxOnceLength = Math.floor(maxLength / 8);
    this.maxHeldLength = maxLength - this.maxOnceLength;
  }

  /**
   * The parsed answer line, its held records (or the whole answer held) shared and frozen. `method`
   * is the call it answers: once an answer to it does not cut, the next `UNCUT_SKIPS` are read whole
   * without trying (a metric series, a log query's entries: each try scans `MAX_RECORD` characters
   * in vain). Throws as `JSON.parse` does.
   */
  read(line: string, method: string): unknown {
    const skips = this.uncut.get(method);
    if (skips !== undefined && skips > 0) {
      this.uncut.set(method, skips - 1);
      return this.wholeAnswer(line, method);
    }
    if (!line.startsWith(RESULT_HEAD) || !line.endsWith('}')) return JSON.parse(line);
    const result = this.result(line);
    if (result !== undefined) return { result };
    this.uncut.set(method, UNCUT_SKIPS);
    return this.wholeAnswer(line, method);
  }

  /** The total length of the texts kept now, read once or held. */
  get keptLength(): number {
    return this.onceLength + this.heldLength;
  }

  /**
   * The answer's result when it is a record or a list of records, each read as a text of its own;
   * undefined for any other answer, or one that does not cut.
   */
  private result(line: string): unknown {
    const first = RESULT_HEAD.length;
    const open = line.charCodeAt(first);
    if (open === OPEN_BRACE) {
      const kept = this.keptAt(line, first);
      if (kept !== undefined) return first + kept.text.length === line.length - 1 ? this.valueOf(kept) : undefined;
      const end = this.recordEnd(line, first);
      return end === line.length - 1 ? this.record(line.slice(first, end)) : undefined;
    }
    if (open !== OPEN_BRACKET || !line.endsWith(LIST_TAIL)) return undefined;
    const end = line.length - LIST_TAIL.length;
    const records: unknown[] = [];
    let at = first + 1;
    if (at === end) return records;
    for (;;) {
      const kept = this.keptAt(line, at);
      let next: number | undefined;
      let record: unknown;
      if (kept !== undefined) {
        next = at + kept.text.length;
        record = this.valueOf(kept);
      } else {
        next = this.recordEnd(line, at);
        if (next === undefined) return undefined;
        record = this.record(line.slice(at, next));
        if (record === undefined) return undefined;
      }
      records.push(record);
      if (next === end) return records;
      if (line.charCodeAt(next) !== COMMA) return undefined;
      at = next + 1;
    }
  }

  /**
   * The value of an answer read whole: the one held if the method's last answer was the same text,
   * else `JSON.parse`'s, the line kept in that answer's place (if it fits in the texts read once).
   */
  private wholeAnswer(line: string, method: string): unknown {
    const last = this.whole.get(method);
    if (last !== undefined && last.text === line) return this.valueOf(last);
    const value = JSON.parse(line);
    if (last !== undefined) this.drop(last);
    if (line.length <= this.maxOnceLength) {
      const kept: Kept = { text: line, method };
      this.whole.set(method, kept);
      this.keepOnce(kept);
    }
    return value;
  }

  /** The kept text the line goes on with at `at`, if there is one. */
  private keptAt(line: string, at: number): Kept | undefined {
    const bucket = this.byHead.get(line.slice(at, at + HEAD));
    if (bucket === undefined) return undefined;
    for (const kept of bucket) {
      if (line.slice(at, at + kept.text.length) === kept.text) return kept;
    }
    return undefined;
  }

  /** Where the record that starts at `at` ends, if it is an object no longer than `MAX_RECORD`. */
  private recordEnd(line: string, at: number): number | undefined {
    RECORD.lastIndex = 0;
    return RECORD.test(line.slice(at, at + MAX_RECORD)) ? at + RECORD.lastIndex : undefined;
  }

  /** A record's value, or undefined when its text is not JSON after all (the whole line decides). */
  private record(text: string): unknown {
    try {
      return this.value(text);
    } catch {
      return undefined;
    }
  }

  /** The value of one text: the one held, else `JSON.parse`'s, held and frozen if the text was read before. */
  private value(text: string): unknown {
    const head = text.slice(0, HEAD);
    const bucket = this.byHead.get(head);
    if (bucket) {
      for (const kept of bucket) {
        if (kept.text === text) return this.valueOf(kept);
      }
    }
    const value = JSON.parse(text);
    // A copy of its own: a part cut from a line would keep the whole line alive.
    const kept: Kept = { text: `${text} `.slice(0, -1) };
    if (bucket) {
      if (bucket.length >= BUCKET) this.drop(bucket[0] as Kept);
      bucket.push(kept);
    } else {
      this.byHead.set(head, [kept]);
    }
    this.keepOnce(kept);
    return value;
  }

  private keepOnce(kept: Kept): void {
    this.once.add(kept);
    this.onceLength += kept.text.length;
    for (const oldest of this.once) {
      if (this.onceLength <= this.maxOnceLength) break;
      this.drop(oldest);
    }
  }

  /** A kept text's value, parsed, frozen and held the second time it is read. */
  private valueOf(kept: Kept): unknown {
    if (kept.value === undefined) this.hold(kept, deepFreeze(JSON.parse(kept.text)));
    return kept.value;
  }

  private hold(kept: Kept, value: unknown): void {
    kept.value = value;
    this.once.delete(kept);
    this.onceLength -= kept.text.length;
    this.held.add(kept);
    this.heldLength += kept.text.length;
    for (const oldest of this.held) {
      if (this.heldLength <= this.maxHeldLength) break;
      this.drop(oldest);
    }
  }

  private drop(kept: Kept): void {
    const length = kept.text.length;
    if (kept.method !== undefined) {
      this.whole.delete(kept.method);
    } else {
      const head = kept.text.slice(0, HEAD);
      const bucket = this.byHead.get(head) as Kept[];
      if (bucket.length === 1) this.byHead.delete(head);
      else bucket.splice(bucket.indexOf(kept), 1);
    }
    if (kept.value === undefined) {
      this.once.delete(kept);
      this.onceLength -= length;
    } else {
      this.held.delete(kept);
      this.heldLength -= length;
    }
  }
}
