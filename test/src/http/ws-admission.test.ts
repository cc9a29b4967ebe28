/**
 * WebSocket admission over a real socket: the origin check on upgrade, credentials at
 * `connection_init` (payload or upgrade header), and sockets closed with 4403 when their token is
 * revoked or their JWT expires. JWTs come from a local JWKS server that rotates its key.
 */
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, makeToken, tempDir, writeTokensFile } from '../../helpers/auth.js';
import { mockAdapter, readyLive, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { gql } from '../../helpers/graphql.js';
import { initSession, openSession, upgradeRefusal } from '../../helpers/ws.js';

const ISSUER = 'https://idp.test';
const AUDIENCE = 'opsorch-gateway';
const reader = makeToken('ws-reader', ['read']);
const doomed = makeToken('ws-doomed', ['read']);
const dir = tempDir('auth-ws');
const tokensFile = join(dir, 'tokens.json');

type Key = { kid: string; privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']; jwk: JWK };
let keys: Key[];
let published: JWK[] = [];
let jwksFetches = 0;
/** While set, key set requests wait for it to resolve (`holdKeySet`). */
let keySetHeld: Promise<void> | undefined;
let keySetAsked: () => void = () => undefined;
let jwks: Server;
let gateway: TestGateway;

async function newKey(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

function sign(key: Key, claims: { sub: string; scope?: string; exp?: number; aud?: string }): Promise<string> {
  const jwt = new SignJWT({ ...(claims.scope ? { scope: claims.scope } : {}) })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setAudience(claims.aud ?? AUDIENCE)
    .setIssuedAt();
  return jwt.setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 600).sign(key.privateKey);
}

beforeAll(async () => {
  keys = await Promise.all([newKey('k1'), newKey('k2')]);
  published = [(keys[0] as Key).jwk];
  jwks = createServer(async (_req, res) => {
    jwksFetches++;
    keySetAsked();
    await keySetHeld;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: published }));
  });
  jwks.listen(0, '127.0.0.1');
  await once(jwks, 'listening');
  writeTokensFile(tokensFile, [reader, doomed]);
  gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }], {
    security: {
      auth: {
        tokens: [],
        tokensFile,
        jwt: {
          jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`,
          issuer: ISSUER,
          audience: AUDIENCE,
          clockSkewS: 0,
          scopesClaim: 'scope',
          refetchCooldownMs: 0,
        },
      },
      wsOrigins: ['https://console.example'],
    },
  });
});

afterAll(async () => {
  await gateway?.stop();
  jwks?.close();
});

describe('origin on upgrade', () => {
  it('refuses a cross-site page, even with a valid token', async () => {
    expect(await upgradeRefusal(gateway.wsUrl, { origin: 'https://evil.example', ...bearer(reader.token) })).toBe(403);
  });

  it("accepts the gateway's own page and allow-listed origins", async () => {
    const own = new URL(gateway.url).origin;
    for (const origin of [own, 'https://console.example']) {
      const { session, answer } = await initSession(
        gateway.wsUrl,
        { authorization: `Bearer ${reader.token}` },
        { origin },
      );
      expect(answer).toEqual({ type: 'connection_ack' });
      session.socket.close();
    }
  });
});

describe('credentials at connection_init', () => {
  it('closes a socket that presents none with 4403 before any ack', async () => {
    const { answer } = await initSession(gateway.wsUrl, undefined);
    expect(answer).toEqual({ code: 4403, reason: 'credentials required' });
  });

  it('closes a socket with a wrong token with 4403', async () => {
    const { answer } = await initSession(gateway.wsUrl, { authorization: 'Bearer oog_wrong' });
    expect(answer).toEqual({ code: 4403, reason: 'invalid credentials' });
  });

  it('accepts the token in the payload (GraphQLWsLink connectionParams) and in the upgrade header', async () => {
    const viaPayload = await initSession(gateway.wsUrl, { authorization: `Bearer ${reader.token}` });
    const viaHeader = await initSession(gateway.wsUrl, undefined, bearer(reader.token));
    expect(viaPayload.answer).toEqual({ type: 'connection_ack' });
    expect(viaHeader.answer).toEqual({ type: 'connection_ack' });
    viaPayload.session.socket.close();
    viaHeader.session.socket.close();
  });

  it('closes the socket with 4403 "token revoked" when its token is revoked, and HTTP refuses it too', async () => {
    const { session, answer } = await initSession(gateway.wsUrl, { authorization: `Bearer ${doomed.token}` });
    expect(answer).toEqual({ type: 'connection_ack' });
    writeFileSync(tokensFile, JSON.stringify([reader.entry, { ...doomed.entry, revoked: true }]));
    expect(await session.closed).toEqual({ code: 4403, reason: 'token revoked' });
    const refused = await fetch(gateway.url, { method: 'POST', headers: bearer(doomed.token) });
    expect(refused.status).toBe(401);
  });
});

describe('JWT', () => {
  it('maps the subject to the actor and the scope claim to scopes', async () => {
    const token = await sign(keys[0] as Key, { sub: 'alice@example.com', scope: 'read' });
    const read = await gql(gateway.url, '{ incidents(first: 1) { nodes { id } } }', {}, bearer(token));
    expect(read.errors).toBeUndefined();
    const write = await gql(
      gateway.url,
      'mutation { incidentCreate(input: { title: "jwt without write" }) { incident { id } } }',
      {},
      bearer(token),
    );
    expect(write.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', capability: 'incident' });
  });

  it('follows a key rotation: a token signed with a newly published key is accepted after one refetch', async () => {
    published = [(keys[0] as Key).jwk, (keys[1] as Key).jwk];
    const before = jwksFetches;
    const token = await sign(keys[1] as Key, { sub: 'bob', scope: 'read' });
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(token) },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(200);
    expect(jwksFetches).toBe(before + 1);
    published = [(keys[1] as Key).jwk];
  });

  it('refuses expired tokens, wrong audiences and unknown keys with 401', async () => {
    const forged = await newKey('k3');
    const tokens = [
      await sign(keys[1] as Key, { sub: 'carol', scope: 'read', exp: Math.floor(Date.now() / 1000) - 60 }),
      await sign(keys[1] as Key, { sub: 'carol', scope: 'read', aud: 'someone-else' }),
      await sign(forged, { sub: 'mallory', scope: 'read write admin' }),
    ];
    for (const token of tokens) {
      const response = await fetch(gateway.url, { method: 'POST', headers: bearer(token) });
      expect(response.status).toBe(401);
      expect(await response.text()).toBe('unauthorized\n');
    }
  });

  it('closes a WebSocket with 4403 "token expired" when its JWT expires', async () => {
    // At least 3 s to live (exp is in whole seconds): the connection and its init must come before
    // it, and on a loaded machine one second, all the old margin left at worst, is not enough.
    const exp = Math.floor(Date.now() / 1000) + 4;
    const token = await sign(keys[1] as Key, { sub: 'dave', scope: 'read', exp });
    const { session, answer } = await initSession(gateway.wsUrl, { authorization: `Bearer ${token}` });
    expect(answer).toEqual({ type: 'connection_ack' });
    expect(await session.closed).toEqual({ code: 4403, reason: 'token expired' });
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
  });
});

describe('a socket that closes while its credential is checked', () => {
  it('is not held under it afterwards, nor watched for its expiry', async () => {
    const live = () => readyLive(gateway, bearer(reader.token));
    const before = (await live()).credentialedSockets;
    // A key the gateway has not seen: its JWT waits for the key set, which waits for this test.
    const key = await newKey('k-late');
    published = [...published, key.jwk];
    const token = await sign(key, { sub: 'erin', scope: 'read' });
    let release: () => void = () => undefined;
    keySetHeld = new Promise((resolve) => {
      release = resolve;
    });
    const asked = new Promise<void>((resolve) => {
      keySetAsked = resolve;
    });
    try {
      const session = await openSession(gateway.wsUrl);
      session.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
      await asked;
      session.socket.close();
      await session.closed;
    } finally {
      keySetHeld = undefined;
      keySetAsked = () => undefined;
      release();
    }
    // Admitted after the first socket's check, which waited on the same key set, has ended.
    const { session, answer } = await initSession(gateway.wsUrl, { authorization: `Bearer ${token}` });
    expect(answer).toEqual({ type: 'connection_ack' });
    expect((await live()).credentialedSockets).toBe(before + 1);
    session.socket.close();
    await session.closed;
    await expect.poll(async () => (await live()).credentialedSockets).toBe(before);
  });
});
