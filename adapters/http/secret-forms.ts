/**
 * A secret rarely leaks verbatim: a provider or library echoes it lower-cased, hex-dumped,
 * URL- or base64-encoded, reversed, or cut in two across fields or lines. `maskSecrets` masks each
 * of those forms of every secret it is given, so one check covers what a provider plausibly produces.
 */

const MASK = '[redacted]';
/** Shorter values are too likely to be ordinary words, and masking them would mangle messages. */
const MIN_SECRET = 4;
/** A piece of a secret this long or longer is masked on its own (a secret split in two). */
const MIN_PIECE = 8;
/** Base64 characters a run of encoded text extends over, standard and URL-safe alphabets. */
const BASE64_CHAR = /[A-Za-z0-9+/=_-]/;

/** The forms matched whatever their letter case, each masked whole or by pieces. */
function caseFreeForms(secret: string): string[] {
  const forms = [
    secret,
    Buffer.from(secret).toString('hex'),
    [...secret].reverse().join(''),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, '+'),
  ];
  return [...new Set(forms.map(asciiLower))];
}

/**
 * The part of the secret's base64 that does not depend on what came before or after it, for each
 * of the three byte offsets the secret can start at inside an encoded text (`user:secret`).
 */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const cores = new Set<string>();
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const encoded = padded.toString('base64').replace(/=+$/, '');
    const core = encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * padded.length) / 6));
    if (core.length < MIN_PIECE) continue;
    cores.add(core);
    cores.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...cores];
}

/** Pieces to look for: the whole form, or every window half its length when it is long enough to split. */
function pieces(form: string): string[] {
  if (form.length < 2 * MIN_PIECE) return [form];
  const size = Math.floor(form.length / 2);
  const out = new Set<string>();
  for (let i = 0; i + size <= form.length; i++) out.add(form.slice(i, i + size));
  return [...out];
}

/** Lower-cases ASCII letters only, so every position in the result is the same as in the input. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

export interface SecretPatterns {
  /** Lower-cased pieces, matched case-insensitively. */
  caseFree: string[];
  /** Base64 cores, matched exactly and masked with the encoded run around them. */
  base64: string[];
  /**
   * Every GRAM-long run of the case-free pieces and of the base64 cores, as numbers: a text that
   * holds none of them holds no secret, which is most texts, found with one pass over it.
   */
  caseFreeGrams: Set<number>;
  base64Grams: Set<number>;
  /** Pieces the gram pass cannot rule out (shorter than a gram, or not ASCII): always searched. */
  unfiltered: boolean;
}

/** Seven ASCII characters, seven bits each, make a 49-bit number: exact in a double. */
const GRAM = 7;
const OLDEST = 128 ** (GRAM - 1);

/** Calls `found` with each GRAM-long ASCII run's number until it returns true. */
function someGram(text: string, found: (gram: number) => boolean): boolean {
  let gram = 0;
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) {
      length = 0;
      gram = 0;
      continue;
    }
    gram = (gram % OLDEST) * 128 + c;
    if (++length >= GRAM && found(gram)) return true;
  }
  return false;
}

function gramsOf(pieces: Iterable<string>): Set<number> {
  const grams = new Set<number>();
  for (const piece of pieces) {
    someGram(piece, (gram) => {
      grams.add(gram);
      return false;
    });
  }
  return grams;
}

/** Compiles once what `maskSecrets` searches for; secrets shorter than 4 characters are ignored. */
export function secretPatterns(secrets: Iterable<string>): SecretPatterns {
  const caseFree = new Set<string>();
  const base64 = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET) continue;
    for (const form of caseFreeForms(secret)) for (const piece of pieces(form)) caseFree.add(piece);
    for (const core of base64Cores(secret)) base64.add(core);
  }
  return {
    caseFree: [...caseFree],
    base64: [...base64],
    caseFreeGrams: gramsOf(caseFree),
    base64Grams: gramsOf(base64),
    unfiltered: [...caseFree].some((piece) => piece.length < GRAM || /[^ -~]/.test(piece)),
  };
}

function mayHoldSecret(text: string, lower: string, patterns: SecretPatterns): boolean {
  if (patterns.unfiltered) return true;
  return (
    someGram(lower, (gram) => patterns.caseFreeGrams.has(gram)) ||
    someGram(text, (gram) => patterns.base64Grams.has(gram))
  );
}

export function maskSecrets(text: string, patterns: SecretPatterns): string {
  if (text === '' || (patterns.caseFree.length === 0 && patterns.base64.length === 0)) return text;
  const lower = asciiLower(text);
  if (!mayHoldSecret(text, lower, patterns)) return text;
  const masked = new Uint8Array(text.length);
  const mark = (from: number, to: number) => masked.fill(1, from, to);
  for (const piece of patterns.caseFree) {
    for (let at = lower.indexOf(piece); at !== -1; at = lower.indexOf(piece, at + 1)) mark(at, at + piece.length);
  }
  for (const core of patterns.base64) {
    for (let at = text.indexOf(core); at !== -1; at = text.indexOf(core, at + 1)) {
      let from = at;
      let to = at + core.length;
      while (from > 0 && BASE64_CHAR.test(text[from - 1] as string)) from--;
      while (to < text.length && BASE64_CHAR.test(text[to] as string)) to++;
      mark(from, to);
    }
  }
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (masked[i]) {
      out += MASK;
      while (i < text.length && masked[i]) i++;
    } else {
      const start = i;
      while (i < text.length && !masked[i]) i++;
      out += text.slice(start, i);
    }
  }
  return out;
}
