/**
 * The Slack adapter through the whole gateway (GraphQL `messageSend` in, Slack Web API out),
 * against a fake that answers as Slack's Web API documentation shows. The incident, service and
 * team come from the mock world, so the summary is built from a real cross-provider graph.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../../adapters/slack/index.js';
import { type SlackFake, startSlackFake } from '../../fakes/slack/server.js';
import { mockAdapter, startTestGateway, type TestGateway, testLogger } from '../../helpers/gateway.js';
import { gql, gqlData } from '../../helpers/graphql.js';

let fake: SlackFake;
let gateway: TestGateway;

const SEND = /* GraphQL */ `
  mutation ($input: MessageSendInput!) {
    messageSend(input: $input) {
      message { id channel body sentAt threadId url source { provider capability nativeId } }
      userErrors { code message field }
    }
  }
`;

interface SendResult {
  messageSend: {
    message: {
      id: string;
      channel: string;
      body: string;
      sentAt: string;
      threadId: string | null;
      url: string | null;
      source: { provider: string };
    } | null;
    userErrors: { code: string; message: string; field: string[] | null }[];
  };
}

const send = (input: Record<string, unknown>) => gqlData<SendResult>(gateway.url, SEND, { input });

beforeAll(async () => {
  fake = await startSlackFake();
  const slack = await createSlackAdapter(
    { token: fake.token, apiURL: fake.url, maxRetryWaitMs: 2000 },
    { name: 'slack', logger: testLogger },
  );
  gateway = await startTestGateway([
    { name: 'mock', adapter: await mockAdapter(), capabilities: ['incident', 'service', 'team'] },
    { name: 'slack', adapter: slack },
  ]);
});

afterAll(async () => {
  await gateway?.stop();
  await fake?.stop();
});

beforeEach(() => {
  fake.calls.length = 0;
});

describe('Slack messageSend', () => {
  it('posts text and blocks together and answers the permalink as url', async () => {
    const data = await send({ channel: '#inc-checkout', body: 'Rolling back **checkout** to v41.' });
    expect(data.messageSend.userErrors).toEqual([]);
    const message = data.messageSend.message;
    const posted = fake.posted.at(-1);
    expect(posted?.channel).toBe('C0INC0001');
    expect(posted?.text).toBe('Rolling back *checkout* to v41.');
    expect(posted?.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: 'Rolling back *checkout* to v41.' } },
    ]);
    expect(message).toMatchObject({
      id: posted?.ts,
      channel: 'C0INC0001',
      body: 'Rolling back **checkout** to v41.',
      threadId: null,
      url: `https://acme.slack.com/archives/C0INC0001/p${posted?.ts.replace('.', '')}`,
      source: { provider: 'slack' },
    });
    expect(Date.parse(message?.sentAt ?? '')).toBe(Math.floor(Number(posted?.ts) * 1000));
    const call = fake.callsTo('chat.postMessage')[0];
    expect(call?.authorization).toBe(`Bearer ${fake.token}`);
    expect(call?.args).toMatchObject({ link_names: 'false', parse: 'none', unfurl_links: 'false' });
    expect(fake.callsTo('chat.getPermalink')).toHaveLength(1);
  });

  it('replies in a thread and links to the reply', async () => {
    const parent = await send({ channel: 'C0INC0001', body: 'Incident channel opened' });
    const parentId = parent.messageSend.message?.id as string;
    const reply = await send({ channel: 'C0INC0001', body: 'Mitigated', threadId: parentId });
    expect(reply.messageSend.message?.threadId).toBe(parentId);
    expect(fake.posted.at(-1)?.thread_ts).toBe(parentId);
    expect(reply.messageSend.message?.url).toContain(`?thread_ts=${parentId}&cid=C0INC0001`);

    const lost = await send({ channel: 'C0INC0001', body: 'x', threadId: '1.000000' });
    expect(lost.messageSend.userErrors).toEqual([
      { code: 'NOT_FOUND', message: 'Slack answered thread_not_found to chat.postMessage', field: ['input'] },
    ]);
  });

  it('converts Markdown links and escapes everything a caller could use to mention or forge links', async () => {
    const body = [
      '<!channel> wake up @here and @everyone, ping <@U0ADMIN>',
      'see <https://evil.example|your bank> & [Runbook](https://wiki.acme.test/run?a=1&b=2)',
      '[click](javascript:alert(1)) [pipe](https://ok.test/x|y) *not bold* ~~gone~~',
    ].join('\n');
    const data = await send({ channel: '#general', body });
    expect(data.messageSend.userErrors).toEqual([]);
    const text = fake.posted.at(-1)?.text ?? '';
    const section = fake.posted.at(-1)?.blocks?.[0]?.text?.text ?? '';
    for (const out of [text, section]) {
      expect(out).not.toMatch(/<!channel>|<@U0ADMIN>|<https:\/\/evil/);
      expect(out).not.toMatch(/@here|@everyone/);
      expect(out).toContain('&lt;!channel&gt;');
      expect(out).toContain('&lt;https://evil.example|your bank&gt; &amp;');
      expect(out).toContain('<https://wiki.acme.test/run?a=1&b=2|Runbook>');
      expect(out).toContain('[click](javascript:alert(1))');
      expect(out).toContain('<https://ok.test/x%7Cy|pipe>');
      expect(out).toContain('~gone~');
      // Every `<` left is one of the links built here.
      expect(out.match(/</g)).toHaveLength(2);
    }
  });

  it('leads with an incident summary built from the graph: header, section, fields, context', async () => {
    const { incidents } = await gqlData<{
      incidents: {
        nodes: {
          id: string;
          title: string;
          severity: string;
          status: string;
          url: string;
          service: { name: string; url: string; team: { name: string; onCall: { name: string }[] } | null };
        }[];
      };
    }>(
      gateway.url,
      `{ incidents(first: 20, filter: { statuses: [TRIGGERED, ACKNOWLEDGED] }) { nodes {
        id title severity status url service { name url team { name onCall { name } } } } } }`,
    );
    const incident = incidents.nodes.find((n) => n.service?.team?.onCall.length);
    expect(incident).toBeDefined();
    if (!incident) return;
    const data = await send({
      channel: '#inc-checkout',
      body: 'Status update: [dashboard](https://grafana.acme.test/d/1)',
      incidentId: incident.id,
      summary: true,
    });
    expect(data.messageSend.userErrors).toEqual([]);
    const posted = fake.posted.at(-1);
    expect(posted?.blocks?.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(posted?.blocks?.[0]?.text).toEqual({ type: 'plain_text', text: `${incident.severity} · ${incident.title}` });
    expect(posted?.blocks?.[1]?.text?.text).toBe('Status update: <https://grafana.acme.test/d/1|dashboard>');
    const fields = posted?.blocks?.[2]?.fields?.map((f) => f.text) ?? [];
    expect(fields[0]).toBe(`*Severity*\n${incident.severity}`);
    expect(fields[1]).toBe(`*Status*\n${incident.status}`);
    expect(fields[2]).toBe(`*Service*\n${incident.service.name}`);
    for (const person of incident.service.team?.onCall ?? []) expect(fields[3]).toContain(person.name);
    const context = posted?.blocks?.[3]?.elements?.map((e) => e.text) ?? [];
    expect(context[0]).toBe(`<${incident.url}|Open incident>`);
    expect(context).toContain(`<${incident.service.url}|Service ${incident.service.name}>`);
    expect(posted?.text).toContain(`${incident.severity} ${incident.status}: ${incident.title}`);
    expect(posted?.text).toContain(`<${incident.url}|open incident>`);
  });

  it('asks for incidentId when a summary is wanted', async () => {
    const data = await send({ channel: '#general', body: 'x', summary: true });
    expect(data.messageSend.userErrors).toEqual([
      { code: 'INVALID', message: 'summary needs incidentId', field: ['input', 'summary'] },
    ]);
    expect(fake.calls).toHaveLength(0);
  });

  it('keeps long bodies within Block Kit limits', async () => {
    const body = `${'line of text\n'.repeat(700)}end`;
    const data = await send({ channel: '#general', body });
    expect(data.messageSend.userErrors).toEqual([]);
    const blocks = fake.posted.at(-1)?.blocks ?? [];
    expect(blocks.length).toBeGreaterThan(2);
    expect(blocks.map((b) => b.text?.text).join('\n')).toBe(body);
  });
});

describe('Slack failures', () => {
  it('never re-sends a rate-limited post, however short the Retry-After: one call, the error and retryAfter', async () => {
    fake.rateLimitNext(1, 1);
    const before = fake.posted.length;
    const result = await gql<SendResult>(gateway.url, SEND, { input: { channel: '#general', body: 'not twice' } });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_RATE_LIMITED',
      provider: 'slack',
      capability: 'messaging',
      retryAfter: 1,
    });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(fake.posted.length).toBe(before);
  });

  it('waits out a short Retry-After on a read (the permalink) and answers it', async () => {
    fake.rateLimitNext(1, 1, 'chat.getPermalink');
    const data = await send({ channel: '#general', body: 'after the limit' });
    expect(data.messageSend.userErrors).toEqual([]);
    expect(data.messageSend.message?.url).toMatch(/^https:\/\/acme\.slack\.com\/archives\/C0GEN0001\/p\d+$/);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(fake.callsTo('chat.getPermalink')).toHaveLength(2);
  });

  it('fails at once as PROVIDER_RATE_LIMITED when Slack asks for a long wait', async () => {
    fake.rateLimitNext(1, 30);
    const result = await gql<SendResult>(gateway.url, SEND, { input: { channel: '#general', body: 'later' } });
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'PROVIDER_RATE_LIMITED',
      provider: 'slack',
      retryAfter: 30,
    });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('never re-sends a post Slack answered with garbage', async () => {
    fake.malformedNext();
    const result = await gql<SendResult>(gateway.url, SEND, { input: { channel: '#general', body: 'maybe' } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'slack' });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('reports an unknown channel as NOT_FOUND and a bad token as UNAUTHENTICATED without the token', async () => {
    const missing = await send({ channel: '#nope', body: 'x' });
    expect(missing.messageSend.userErrors[0]).toMatchObject({ code: 'NOT_FOUND' });

    const rightToken = fake.token;
    fake.token = 'xoxb-a-different-token';
    try {
      const result = await gql<SendResult>(gateway.url, SEND, { input: { channel: '#general', body: 'x' } });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', provider: 'slack' });
      expect(JSON.stringify(result)).not.toContain(rightToken);
      const health = await gqlData<{ providers: { provider: string; health: { status: string; message: string } }[] }>(
        gateway.url,
        '{ providers { provider health { status message } } }',
      );
      expect(health.providers.find((p) => p.provider === 'slack')?.health).toEqual({
        status: 'DOWN',
        message: 'Slack answered invalid_auth to auth.test',
      });
    } finally {
      fake.token = rightToken;
    }
  });
});
