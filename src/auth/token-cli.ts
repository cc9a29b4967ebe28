/**
 * `npm run token -- --name ci --scopes read,write [--service checkout] [--team t] [--environment e]`
 * prints a new API token once, and the entry to add to OPSORCH_AUTH_TOKENS(_FILE): only its salted
 * hash is ever configured. With `--hash`, the token is read from stdin instead of generated.
 */
import { parseArgs } from 'node:util';
import { SCOPES } from './principal.js';
import { hashToken, newToken, type TokenEntry, tokenEntrySchema } from './tokens.js';

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.trim();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      name: { type: 'string' },
      scopes: { type: 'string', default: 'read' },
      service: { type: 'string' },
      team: { type: 'string' },
      environment: { type: 'string' },
      hash: { type: 'boolean', default: false },
    },
  });
  if (!values.name) {
    process.stderr.write(
      `usage: npm run token -- --name <name> --scopes ${SCOPES.join(',')} [--service s] [--team t] [--environment e]\n`,
    );
    process.exit(2);
  }
  const token = values.hash ? await readStdin() : newToken();
  const restrict = Object.fromEntries(
    (['service', 'team', 'environment'] as const).flatMap((k) => (values[k] ? [[k, values[k]]] : [])),
  );
  const candidate = {
    name: values.name,
    hash: hashToken(token),
    scopes: values.scopes.split(',').map((s) => s.trim()),
    ...(Object.keys(restrict).length ? { restrict } : {}),
  };
  const parsed = tokenEntrySchema.safeParse(candidate);
  if (!parsed.success) {
    process.stderr.write(
      `invalid token entry: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n`,
    );
    process.exit(2);
  }
  const entry: TokenEntry = parsed.data;
  if (!values.hash) process.stdout.write(`token (shown once, give it to the client): ${token}\n`);
  process.stdout.write(`entry for OPSORCH_AUTH_TOKENS / OPSORCH_AUTH_TOKENS_FILE:\n${JSON.stringify(entry)}\n`);
}

void main();
