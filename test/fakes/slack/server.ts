/**
 * A Slack Web API stand-in on a loopback port, answering as api.slack.com documents: methods are
 * `POST /api/<method>` with a form-encoded or JSON body and `Authorization: Bearer <token>`;
 * answers are HTTP 200 with `{ok: false, error: "<word>"}` on failure; a rate-limited call gets
 * 429 with `Retry-After` (seconds). `chat.postMessage` checks the Block Kit limits Slack enforces
 * (`invalid_blocks`) and answers `channel` (the ID) and `ts`; `chat.getPermalink` answers
 * `https://<workspace>.slack.com/archives/<channel>/p<ts without dot>`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PostedMessage {
  channel: string;
  ts: string;
  text: string | undefined;
  blocks: SlackBlock[] | undefined;
  thread_ts: string | undefined;
  args: Record<string, unknown>;
}

export interface SlackBlock {
  type: string;
  text?: { type: string; text: string };
  fields?: { type: string; text: string }[];
  elements?: { type: string; text: string }[];
}

export interface SlackCallRecord {
  method: string;
  authorization: string | undefined;
  args: Record<string, unknown>;
}

export interface SlackFake {
  url: string;
  /** The token Slack accepts right now; tests rotate it. */
  token: string;
  /** Channel name (without `#`) → ID. */
  channels: Map<string, string>;
  posted: PostedMessage[];
  calls: SlackCallRecord[];
  /** The next `count` calls (to `method` only, when given) answer 429 with `Retry-After: retryAfter`. */
  rateLimitNext(count: number, retryAfter: number, method?: string): void;
  /** The next call answers 200 with an HTML body, as a broken proxy would. */
  malformedNext(): void;
  callsTo(method: string): SlackCallRecord[];
  stop(): Promise<void>;
}

const WORKSPACE = 'https://acme.slack.com';

export async function startSlackFake(options: { token?: string } = {}): Promise<SlackFake> {
  let rateLimited = 0;
  let retryAfter = 1;
  let limitedMethod: string | undefined;
  let malformed = false;
  let clock = 1_764_000_000;
  let server: Server | undefined;
  const fake: SlackFake = {
    url: '',
    token: options.token ?? 'xoxb-1111-2222-fakeSlackBotToken',
    channels: new Map([
      ['inc-checkout', 'C0INC0001'],
      ['general', 'C0GEN0001'],
    ]),
    posted: [],
    calls: [],
    rateLimitNext(count, seconds, method) {
      rateLimited = count;
      retryAfter = seconds;
      limitedMethod = method;
    },
    malformedNext() {
      malformed = true;
    },
    callsTo: (method) => fake.calls.filter((c) => c.method === method),
    stop: () => new Promise((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };

  const reply = (res: ServerResponse, body: Record<string, unknown>, status = 200, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  function channelId(channel: unknown): string | undefined {
    if (typeof channel !== 'string') return undefined;
    if ([...fake.channels.values()].includes(channel)) return channel;
    return fake.channels.get(channel.replace(/^#/, ''));
  }

  /** The Block Kit limits chat.postMessage enforces, as `invalid_blocks`. */
  function blocksProblem(blocks: SlackBlock[]): string | null {
    if (blocks.length > 50) return 'more than 50 blocks';
    for (const b of blocks) {
      if (b.type === 'header' && (b.text?.type !== 'plain_text' || (b.text?.text.length ?? 0) > 150)) {
        return 'header must be plain_text of at most 150 characters';
      }
      if (b.type === 'section') {
        if (!b.text && !b.fields) return 'section needs text or fields';
        if ((b.text?.text.length ?? 0) > 3000) return 'section text longer than 3000';
        if ((b.fields?.length ?? 0) > 10 || b.fields?.some((f) => f.text.length > 2000)) return 'bad fields';
      }
      if (b.type === 'context' && (b.elements?.length ?? 0) > 10) return 'more than 10 context elements';
      if (!['header', 'section', 'context', 'divider'].includes(b.type)) return `unsupported block ${b.type}`;
    }
    return null;
  }

  function route(method: string, args: Record<string, unknown>, res: ServerResponse) {
    if (method === 'auth.test') {
      return reply(res, {
        ok: true,
        url: `${WORKSPACE}/`,
        team: 'Acme',
        user: 'opsorch',
        team_id: 'T0ACME',
        user_id: 'U0BOT',
      });
    }
    if (method === 'chat.postMessage') {
      const channel = channelId(args.channel);
      if (!channel) return reply(res, { ok: false, error: 'channel_not_found' });
      let blocks: SlackBlock[] | undefined;
      if (args.blocks !== undefined) {
        try {
          blocks = typeof args.blocks === 'string' ? JSON.parse(args.blocks) : (args.blocks as SlackBlock[]);
        } catch {
          return reply(res, { ok: false, error: 'invalid_blocks_format' });
        }
        const problem = blocksProblem(blocks ?? []);
        if (problem) return reply(res, { ok: false, error: 'invalid_blocks', errors: [problem] });
      }
      const text = typeof args.text === 'string' ? args.text : undefined;
      if (!text && !blocks?.length) return reply(res, { ok: false, error: 'no_text' });
      const thread = typeof args.thread_ts === 'string' ? args.thread_ts : undefined;
      if (thread && !fake.posted.some((p) => p.channel === channel && p.ts === thread)) {
        return reply(res, { ok: false, error: 'thread_not_found' });
      }
      clock += 1;
      const ts = `${clock}.000100`;
      fake.posted.push({ channel, ts, text, blocks, thread_ts: thread, args });
      return reply(res, {
        ok: true,
        channel,
        ts,
        message: { type: 'message', text, ts, ...(thread ? { thread_ts: thread } : {}) },
        ...(text ? {} : { warning: 'missing_text_in_blocks' }),
      });
    }
    if (method === 'chat.getPermalink') {
      const channel = channelId(args.channel);
      const message = fake.posted.find((p) => p.channel === channel && p.ts === args.message_ts);
      if (!channel) return reply(res, { ok: false, error: 'channel_not_found' });
      if (!message) return reply(res, { ok: false, error: 'message_not_found' });
      const base = `${WORKSPACE}/archives/${channel}/p${message.ts.replace('.', '')}`;
      const permalink = message.thread_ts ? `${base}?thread_ts=${message.thread_ts}&cid=${channel}` : base;
      return reply(res, { ok: true, channel, permalink });
    }
    return reply(res, { ok: false, error: 'unknown_method' });
  }

  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', () => {
      const method = new URL(req.url ?? '/', 'http://fake').pathname.replace(/^\/api\//, '');
      const type = String(req.headers['content-type'] ?? '');
      let args: Record<string, unknown> = {};
      if (raw) {
        try {
          args = type.includes('json')
            ? (JSON.parse(raw) as Record<string, unknown>)
            : Object.fromEntries(new URLSearchParams(raw));
        } catch {
          return reply(res, { ok: false, error: 'invalid_json' });
        }
      }
      const authorization = req.headers.authorization;
      fake.calls.push({ method, authorization, args });
      if (rateLimited > 0 && (!limitedMethod || limitedMethod === method)) {
        rateLimited--;
        return reply(res, { ok: false, error: 'ratelimited' }, 429, { 'retry-after': String(retryAfter) });
      }
      if (malformed) {
        malformed = false;
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html><title>502 Bad Gateway</title></html>');
      }
      const token = authorization?.replace(/^Bearer /, '') ?? (typeof args.token === 'string' ? args.token : '');
      if (!token) return reply(res, { ok: false, error: 'not_authed' });
      if (token !== fake.token) return reply(res, { ok: false, error: 'invalid_auth' });
      route(method, args, res);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  return fake;
}
