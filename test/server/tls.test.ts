/**
 * TLS with OpsOrch Core's variables, through the built gateway in a child process and a real
 * certificate signed by a private CA: HTTPS and WSS answer a client that trusts the CA, nothing
 * answers in plain text, and setting only one of the two variables refuses to start.
 */
import { once } from 'node:events';
import { createClient } from 'graphql-ws';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type GatewayProcess, spawnGateway, startGatewayProcess } from '../helpers/process.js';
import { makeCertificates, type TestCertificates } from '../helpers/tls.js';

const TOKEN = 'tls-test-bearer-token-5b1e';

let certs: TestCertificates;
let gateway: GatewayProcess;
let trusted: Agent;

beforeAll(async () => {
  certs = makeCertificates(['IP:127.0.0.1']);
  trusted = new Agent({ connect: { ca: certs.ca } });
  gateway = await startGatewayProcess({
    OPSORCH_MOCK_LIVE: 'false',
    OPSORCH_BEARER_TOKEN: TOKEN,
    OPSORCH_TLS_CERT_FILE: certs.certFile,
    OPSORCH_TLS_KEY_FILE: certs.keyFile,
    OPSORCH_AUDIT_LOG: 'off',
  });
});
afterAll(async () => {
  await gateway?.stop();
  await trusted?.close();
  certs?.cleanup();
});

describe('TLS from OPSORCH_TLS_CERT_FILE and OPSORCH_TLS_KEY_FILE', () => {
  it('serves GraphQL over HTTPS to a client that trusts the CA', async () => {
    expect(gateway.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/graphql$/);
    const response = await undiciFetch(gateway.url, {
      dispatcher: trusted,
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ query: '{ teams(first: 1) { totalCount } }' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { teams: { totalCount: expect.any(Number) } } });
  });

  it('serves graphql-ws over WSS, the token on the upgrade request', async () => {
    class TrustingWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { ca: certs.ca, headers: { authorization: `Bearer ${TOKEN}` } });
      }
    }
    const client = createClient({
      url: gateway.url.replace(/^https/, 'wss'),
      webSocketImpl: TrustingWebSocket,
      retryAttempts: 0,
    });
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        client.subscribe(
          { query: '{ teams(first: 1) { totalCount } }' },
          { next: resolve, error: reject, complete: () => {} },
        );
      });
      expect(result).toMatchObject({ data: { teams: { totalCount: expect.any(Number) } } });
    } finally {
      await client.dispose();
    }
  });

  it('refuses a client that does not trust the certificate, and answers nothing in plain text', async () => {
    await expect(fetch(gateway.url, { method: 'POST' })).rejects.toThrow();
    // A TLS server closes a plain-text connection without a byte of HTTP: the request fails.
    await expect(
      fetch(gateway.url.replace(/^https/, 'http'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ query: '{ teams(first: 1) { totalCount } }' }),
      }),
    ).rejects.toThrow();
  });

  it('refuses to start when only one of the two variables is set, with OpsOrch Core’s message', async () => {
    const child = spawnGateway({ OPSORCH_TLS_CERT_FILE: certs.certFile });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // 'close', not 'exit': the exit can be told before the last of stderr is read.
    const [code] = (await once(child, 'close')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toContain('both OPSORCH_TLS_CERT_FILE and OPSORCH_TLS_KEY_FILE must be set together');
  });
});
