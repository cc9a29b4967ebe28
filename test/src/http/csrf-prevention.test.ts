/**
 * CSRF prevention at the edge: what a browser can send cross-site without a preflight (no content
 * type or a simple one, no preflight header) is refused before Apollo, with Apollo's answer; what
 * it cannot send is served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mockAdapter, startTestGateway, type TestGateway } from '../../helpers/gateway.js';

describe('CSRF prevention', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
  });
  afterAll(() => gateway.stop());

  const ask = async (headers: Record<string, string>, method = 'GET') => {
    const response = await fetch(`${gateway.url}?query=${encodeURIComponent('{ __typename }')}`, { method, headers });
    const body = (await response.json()) as { data?: unknown; errors?: { message: string; extensions: unknown }[] };
    return { status: response.status, data: body.data, code: body.errors?.[0]?.extensions, error: body.errors?.[0] };
  };

  it('refuses a request a cross-site page could send without a preflight', async () => {
    const refused: Record<string, string>[] = [
      {},
      { 'content-type': 'text/plain' },
      { 'content-type': 'Multipart/Form-Data; boundary=x' },
      { 'content-type': ' application/x-www-form-urlencoded ; charset=utf-8' },
      { 'apollo-require-preflight': '' },
    ];
    for (const headers of refused) {
      const answer = await ask(headers);
      expect(answer, JSON.stringify(headers)).toMatchObject({ status: 400, code: { code: 'BAD_REQUEST' } });
      expect(answer.error?.message).toMatch(
        /^This operation has been blocked as a potential Cross-Site Request Forgery/,
      );
    }
    expect(await ask({}, 'PUT')).toMatchObject({ status: 400, code: { code: 'BAD_REQUEST' } });
  });

  it('serves a request only a preflighted script could send', async () => {
    const served: Record<string, string>[] = [
      { 'apollo-require-preflight': 'true' },
      { 'x-apollo-operation-name': 'Anything' },
      { 'content-type': 'application/json' },
    ];
    for (const headers of served) {
      expect(await ask(headers), JSON.stringify(headers)).toMatchObject({ status: 200, data: { __typename: 'Query' } });
    }
  });

  it('leaves other refusals to Apollo: a GET with another content type, a method it does not serve', async () => {
    expect(await ask({ 'content-type': 'application/xml' })).toMatchObject({ status: 415 });
    expect(await ask({ 'apollo-require-preflight': '1' }, 'DELETE')).toMatchObject({ status: 405 });
  });

  it('serves POST /graphql, whose JSON content type no cross-site form can send', async () => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    const form = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(form.status).toBe(415);
  });
});
