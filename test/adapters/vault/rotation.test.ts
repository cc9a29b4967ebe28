/**
 * A provider's API token comes from Vault: the gateway runs as `npm start` runs it (the compiled
 * build in a child process, configured only through OPSORCH_* variables), Slack's bot token is a
 * `{"secret": ...}` reference, Vault rotates it, and the next `messageSend` uses the new token
 * without a restart. Both tokens are canaries: no log line, error or response may contain them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackFake, startSlackFake } from '../../fakes/slack/server.js';
import { startVaultFake, type VaultFake } from '../../fakes/vault/server.js';
import { gql } from '../../helpers/graphql.js';
import { type GatewayProcess, startGatewayProcess } from '../../helpers/process.js';

const FIRST = 'xoxb-CANARY-first-3f9d1c7e5a2b';
const SECOND = 'xoxb-CANARY-second-8e4b2a6c0d1f';

let vault: VaultFake;
let slack: SlackFake;
let gateway: GatewayProcess;
const responses: string[] = [];

const SEND = /* GraphQL */ `
  mutation ($input: MessageSendInput!) {
    messageSend(input: $input) { message { id channel url } userErrors { code message } }
  }
`;

async function send(body: string) {
  const result = await gql<{ messageSend: { message: { id: string } | null } }>(gateway.url, SEND, {
    input: { channel: '#inc-checkout', body },
  });
  responses.push(JSON.stringify(result));
  return result;
}

/** Resolves when the gateway logs a line with this message (the logs are its stdout, JSON lines). */
function logged(msg: string, from: number): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const check = () => {
      for (const line of gateway.logs.slice(from)) {
        const entry = JSON.parse(line) as Record<string, unknown>;
        if (entry.msg === msg) return resolve(entry);
      }
      gateway.child.stdout?.once('data', () => setImmediate(check));
    };
    check();
  });
}

beforeAll(async () => {
  vault = await startVaultFake();
  slack = await startSlackFake({ token: FIRST });
  vault.put('slack', { token: FIRST, signingSecret: 'not-used-here' });
  gateway = await startGatewayProcess({
    OPSORCH_LOG_LEVEL: 'trace',
    VAULT_TOKEN: vault.rootToken,
    OPSORCH_SECRET_PROVIDER: 'vault',
    OPSORCH_SECRET_CONFIG: JSON.stringify({
      address: vault.url,
      token: { env: 'VAULT_TOKEN' },
      refreshIntervalMs: 200,
    }),
    OPSORCH_MESSAGING_PROVIDER: 'slack',
    OPSORCH_MESSAGING_CONFIG: JSON.stringify({ token: { secret: 'slack#token' }, apiURL: slack.url }),
  });
});

afterAll(async () => {
  await gateway?.stop();
  await vault?.stop();
  await slack?.stop();
});

describe('secrets from Vault', () => {
  it('uses the rotated token for the next call, without a restart', async () => {
    const first = await send('before rotation');
    expect(first.data?.messageSend.message?.id).toBeTruthy();
    expect(slack.callsTo('chat.postMessage').at(-1)?.authorization).toBe(`Bearer ${FIRST}`);

    const mark = gateway.logs.length;
    const rebuilt = logged('provider rebuilt with rotated secrets', mark);
    vault.put('slack', { token: SECOND, signingSecret: 'not-used-here' });
    slack.token = SECOND;
    expect(await rebuilt).toMatchObject({ provider: 'slack', secrets: ['slack#token'] });

    const second = await send('after rotation');
    expect(second.errors).toBeUndefined();
    expect(second.data?.messageSend.message?.id).toBeTruthy();
    expect(slack.callsTo('chat.postMessage').at(-1)?.authorization).toBe(`Bearer ${SECOND}`);
    expect(gateway.child.exitCode).toBeNull();
  });

  it('fails with the provider error, not the token, when the provider refuses it', async () => {
    slack.token = 'xoxb-revoked-by-an-admin';
    try {
      const refused = await send('refused');
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', provider: 'slack' });
      const health = await gql(gateway.url, '{ providers { provider kind health { status message } } }');
      responses.push(JSON.stringify(health));
      expect(JSON.stringify(health)).toContain('invalid_auth');
    } finally {
      slack.token = SECOND;
    }
  });

  it('never lets a token reach a log line, an error or a response', async () => {
    const readyz = await fetch(`${gateway.base}/readyz`);
    responses.push(await readyz.text());
    expect(gateway.logs.length).toBeGreaterThan(5);
    const everything = [...gateway.logs, ...gateway.stderr, ...responses].join('\n');
    for (const canary of [FIRST, SECOND, vault.rootToken]) {
      expect(everything).not.toContain(canary);
      expect(everything).not.toContain(Buffer.from(canary).toString('base64'));
    }
  });
});
