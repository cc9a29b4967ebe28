/**
 * POST /graphql bodies that arrive with their headers, over a raw connection so each request's
 * bytes go out in one write: a body taken as it arrived answers as body-parser's would, a body
 * left to body-parser (not JSON, not an object) gets its errors, and either way the connection
 * goes on to the next request.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeArrivedJson } from '../../../src/http/arrived-body.js';
import { mockAdapter, startTestGateway, type TestGateway } from '../../helpers/gateway.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway([{ name: 'mock', adapter: await mockAdapter() }]);
});

afterAll(async () => {
  await gateway?.stop();
});

interface Answer {
  status: number;
  body: { data?: Record<string, unknown>; errors?: { message: string; extensions: { code: string } }[] };
}

function post(body: string | Buffer, contentType = 'application/json'): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const head = `POST /graphql HTTP/1.1\r\nhost: localhost\r\ncontent-type: ${contentType}\r\ncontent-length: ${bytes.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), bytes]);
}

/** Writes `requests` in one write on one connection and reads that many answers from it. */
function exchange(requests: Buffer[], url = gateway.url): Promise<Answer[]> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = Buffer.alloc(0);
    const answers: Answer[] = [];
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`connection closed after ${answers.length} answers`)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      for (;;) {
        const end = received.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = received.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1]);
        if (received.length < end + 4 + length) return;
        const status = Number(head.split(' ')[1]);
        answers.push({ status, body: JSON.parse(received.subarray(end + 4, end + 4 + length).toString('utf8')) });
        received = received.subarray(end + 4 + length);
        if (answers.length === requests.length) {
          socket.removeAllListeners('close');
          socket.destroy();
          resolve(answers);
          return;
        }
      }
    });
    socket.write(Buffer.concat(requests));
  });
}

const TYPENAME = JSON.stringify({ query: '{ __typename }' });

describe('a body that arrived with its headers', () => {
  it('is answered, and so is the next request on the connection', async () => {
    const answers = await exchange([
      post(
        JSON.stringify({ query: 'query($n: Int!) { services(first: $n) { nodes { name } } }', variables: { n: 1 } }),
      ),
      post(TYPENAME, 'application/json; charset=utf-8'),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers[0]?.body.data).toEqual({ services: { nodes: [{ name: expect.any(String) }] } });
    expect(answers[1]?.body.data).toEqual({ __typename: 'Query' });
  });

  it.each([
    ['is not valid JSON', '{"query":'],
    ['is a JSON string', '"{ __typename }"'],
    ['has text after its object', `${TYPENAME} x`],
  ])("gets body-parser's 400 when it %s, and the next request is answered", async (_, body) => {
    const answers = await exchange([post(body), post(TYPENAME)]);
    expect(answers.map((a) => a.status)).toEqual([400, 200]);
    expect(answers[0]?.body.errors?.[0]).toMatchObject({
      message: 'The request body is not valid JSON',
      extensions: { code: 'BAD_REQUEST' },
    });
    expect(answers[1]?.body.data).toEqual({ __typename: 'Query' });
  });

  it('is read by body-parser when it starts with a byte order mark, or with white space', async () => {
    const answers = await exchange([
      post(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TYPENAME)])),
      post(`\n ${TYPENAME}`, 'application/json; charset=UTF-8'),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.map((a) => a.body.data)).toEqual([{ __typename: 'Query' }, { __typename: 'Query' }]);
  });
});

describe('takeArrivedJson on a plain server', () => {
  /** What the server saw of each request: the body taken, or what was read after leaving it. */
  async function seen(requests: Buffer[], maxBytes: number): Promise<Answer[]> {
    const server = createServer(async (req: IncomingMessage, res) => {
      // The gateway serves a request after a promise job (its identity's); the body's bytes
      // reach the request's buffer once the parser has gone past the headers.
      await Promise.resolve();
      const taken = takeArrivedJson(req, maxBytes);
      const chunks: Buffer[] = [];
      if (taken === undefined) req.on('data', (chunk: Buffer) => chunks.push(chunk));
      // A taken body's request still ends, as one body-parser read does.
      await once(req, 'end');
      const answer = JSON.stringify({ data: { taken: taken?.body ?? null, left: Buffer.concat(chunks).toString() } });
      res.setHeader('content-length', Buffer.byteLength(answer));
      res.end(answer);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as { port: number };
      return await exchange(requests, `http://127.0.0.1:${port}/graphql`);
    } finally {
      server.close();
    }
  }

  it('takes a whole body and ends the request; leaves one over the limit, or not an object, unread', async () => {
    const answers = await seen([post(TYPENAME), post(`{"query":"${'x'.repeat(100)}"}`), post('"x"')], 64);
    expect(answers.map((a) => a.body.data)).toEqual([
      { taken: { query: '{ __typename }' }, left: '' },
      { taken: null, left: `{"query":"${'x'.repeat(100)}"}` },
      { taken: null, left: '"x"' },
    ]);
  });
});
