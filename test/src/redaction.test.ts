/**
 * A canary credential never leaves the gateway, in any form. A fake PagerDuty answers every call
 * with an error that echoes the token it received (verbatim, lower and upper case, hex, URL-encoded,
 * base64 and base64url, reversed, and cut in two across fields and lines) in its body and headers.
 * Errors are driven through GraphQL over HTTP, graphql-ws, SSE and MCP, the provider health message
 * and a mutation; then no response, no line the real gateway process wrote (stdout and stderr) and
 * no audit line holds any of those forms.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { redactSecrets, rememberedSecrets, rememberSecrets } from '../../src/redaction.js';
import { tempDir } from '../helpers/auth.js';
import { gql } from '../helpers/graphql.js';
import { type GatewayProcess, startGatewayProcess } from '../helpers/process.js';
import { callText, connectMcp } from './mcp/support.js';

const CANARY = 'CanaryTok/9Xq+Lm2Zp7Rw4Vb=Hs8Nd3Kf6Tj1';
const BEARER = 'gateway-admin-bearer-3c7d1f';

/** Every form of a token the fake echoes; `caseFree` forms must not appear in any letter case. */
function formsOf(token: string): { form: string; caseFree: boolean }[] {
  const half = Math.floor(token.length / 2);
  return [
    { form: token, caseFree: true },
    { form: Buffer.from(token).toString('hex'), caseFree: true },
    { form: encodeURIComponent(token), caseFree: true },
    { form: [...token].reverse().join(''), caseFree: true },
    { form: token.slice(0, half), caseFree: true },
    { form: token.slice(half), caseFree: true },
    { form: Buffer.from(token).toString('base64'), caseFree: false },
    { form: Buffer.from(token).toString('base64url'), caseFree: false },
    { form: Buffer.from(`api:${token}`).toString('base64'), caseFree: false },
  ];
}

/** Answers like PagerDuty's error format, quoting back whatever credential came in. */
function echoingPagerDuty(received: string[]): Promise<Server> {
  const server = createServer((req, res) => {
    const token = /^Token token=(.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    received.push(token);
    const half = Math.floor(token.length / 2);
    const message = [
      `invalid token ${token}`,
      `normalized ${token.toLowerCase()} / ${token.toUpperCase()}`,
      `hex ${Buffer.from(token).toString('hex')} ${Buffer.from(token).toString('hex').toUpperCase()}`,
      `sent as ${encodeURIComponent(token)} b64 ${Buffer.from(token).toString('base64')}`,
      `b64url ${Buffer.from(token).toString('base64url')} basic ${Buffer.from(`api:${token}`).toString('base64')}`,
      `reversed ${[...token].reverse().join('')}`,
    ].join('; ');
    res.writeHead(500, {
      'content-type': 'application/json',
      'x-echo-token': token,
      'www-authenticate': `Token realm="${token.toLowerCase()}"`,
    });
    res.end(
      JSON.stringify({
        error: {
          message,
          code: 2001,
          errors: [`key starts ${token.slice(0, half)}`, `and ends\n${token.slice(half)}`],
        },
      }),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const dir = tempDir('canary');
const auditPath = join(dir, 'audit.log');
const received: string[] = [];
let fake: Server;
let gateway: GatewayProcess;
/** Everything the clients were answered, over every transport. */
const answers: string[] = [];

beforeAll(async () => {
  fake = await echoingPagerDuty(received);
  gateway = await startGatewayProcess({
    OPSORCH_LOG_LEVEL: 'debug',
    OPSORCH_BEARER_TOKEN: BEARER,
    OPSORCH_AUDIT_LOG: auditPath,
    OPSORCH_INCIDENT_PROVIDER: 'pagerduty',
    OPSORCH_INCIDENT_CONFIG: JSON.stringify({
      apiToken: { env: 'PD_TOKEN' },
      apiURL: `http://127.0.0.1:${(fake.address() as AddressInfo).port}`,
      fromEmail: 'oncall@example.com',
    }),
    PD_TOKEN: CANARY,
  });
});
afterAll(async () => {
  await gateway?.stop();
  await new Promise((resolve) => fake?.close(resolve));
});

const auth = { authorization: `Bearer ${BEARER}` };
const INCIDENTS = '{ incidents(first: 2) { nodes { id title } } }';

describe('a provider that echoes its credential', () => {
  it('over HTTP: the query error, the health message and a mutation error', async () => {
    const query = await gql(gateway.url, INCIDENTS, {}, auth);
    expect(query.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'pagerduty' });
    // The provider's own words reach the client, with the credential masked.
    expect(query.errors?.[0]?.message).toMatch(/invalid token \[redacted\]/);
    const health = await gql<{ providers: { health: { message: string | null } }[] }>(
      gateway.url,
      '{ providers { provider health { status message } } }',
      {},
      auth,
    );
    expect(health.data?.providers[0]?.health.message).toMatch(/\[redacted\]/);
    const id = Buffer.from('Incident:pagerduty:PCANARY1').toString('base64url');
    const mutation = await gql(
      gateway.url,
      'mutation CanaryAck($id: ID!) { incidentTimelineAppend(input: { incidentId: $id, body: "checking" }) { entry { id } userErrors { message code } } }',
      { id },
      auth,
    );
    answers.push(JSON.stringify(query), JSON.stringify(health), JSON.stringify(mutation));
    expect(JSON.stringify(mutation)).toMatch(/\[redacted\]/);
  });

  it('over graphql-ws', async () => {
    const client = createWsClient({
      url: gateway.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: auth,
    });
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        client.subscribe({ query: INCIDENTS }, { next: resolve, error: reject, complete: () => {} });
      });
      answers.push(JSON.stringify(result));
      expect(JSON.stringify(result)).toMatch(/invalid token \[redacted\]/);
    } finally {
      await client.dispose();
    }
  });

  it('over SSE', async () => {
    const client = createSseClient({ url: gateway.url, retryAttempts: 0, headers: auth });
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        client.subscribe({ query: INCIDENTS }, { next: resolve, error: reject, complete: () => {} });
      });
      answers.push(JSON.stringify(result));
      expect(JSON.stringify(result)).toMatch(/invalid token \[redacted\]/);
    } finally {
      client.dispose();
    }
  });

  it('over MCP', async () => {
    const client = await connectMcp(gateway.base, auth);
    try {
      const answer = await callText(client, 'query-incidents', {});
      answers.push(JSON.stringify(answer));
      expect(answer.text).toMatch(/\[redacted\]/);
    } finally {
      await client.close();
    }
  });

  it('leaves no form of the canary in any answer, log line or audit line', async () => {
    // The fake did receive the real credential, so every echo above carried it.
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((token) => token === CANARY)).toBe(true);
    await gateway.waitForLog((line) => line.includes('CanaryAck'), 'the mutation request line');
    const audit = readFileSync(auditPath, 'utf8');
    expect(audit).toContain('"outcome":"error"');
    const texts = {
      answers: answers.join('\n'),
      stdout: gateway.logs.join('\n'),
      stderr: gateway.stderr.join('\n'),
      audit,
    };
    expect(texts.answers.length).toBeGreaterThan(0);
    for (const [where, text] of Object.entries(texts)) {
      for (const { form, caseFree } of formsOf(CANARY)) {
        expect(text, `${where} holds ${form}`).not.toContain(form);
        if (caseFree)
          expect(text.toLowerCase(), `${where} holds ${form} in some case`).not.toContain(form.toLowerCase());
      }
    }
  });
});

describe('the secrets a process remembers', () => {
  it('are bounded: past 256 the oldest go, the newest stay masked', () => {
    const values = Array.from({ length: 300 }, () => randomBytes(12).toString('base64url'));
    rememberSecrets(values);
    expect(rememberedSecrets()).toBe(256);
    expect(redactSecrets(`new ${values[299]}`)).toBe('new [redacted]');
    expect(redactSecrets(`old ${values[0]}`)).toBe(`old ${values[0]}`);
  });
});
