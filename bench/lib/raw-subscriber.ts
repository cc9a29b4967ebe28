/**
 * A graphql-ws subscriber on a bare TCP socket, for benches that hold thousands of them in one
 * process: the RFC 6455 opening handshake (its `Sec-WebSocket-Accept` checked) and framing written
 * out, the graphql-transport-ws protocol spoken as any client speaks it (`connection_init`, wait
 * for `connection_ack`, `subscribe`, answer pings). Server frames are read whole and handed over
 * as byte ranges, not decoded into strings or objects: the bench only needs to find its marker in
 * each `next` message, and a full client library's per-message streams and parsing (the `ws`
 * client's cost about equalled the gateway's whole fan-out) would be measured instead of the
 * gateway. Every frame is still parsed, so a message the bench does not expect fails the run.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { OP_TEXT, wsFrame } from './ws-frame.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_CONTINUATION = 0x0;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;
const ACK = Buffer.from('{"type":"connection_ack"');
const PING = Buffer.from('{"type":"ping"');
const PONG = '{"type":"pong"}';
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

/** A text message from the server: `data[start, end)`, received at `at` (performance.now()). */
export type TextHandler = (data: Buffer, start: number, end: number, at: number) => void;

export function startsWith(data: Buffer, start: number, end: number, prefix: Buffer): boolean {
  return end - start >= prefix.length && data.compare(prefix, 0, prefix.length, start, start + prefix.length) === 0;
}

/**
 * Opens the socket, subscribes with `subscribe` (a graphql-ws `subscribe` message, as JSON) once
 * the server acknowledges `connection_init`, and resolves when the subscribe message is sent.
 * Every later text message goes to `onText`.
 */
export function rawSubscriber(
  port: number,
  subscribe: string,
  onText: TextHandler,
): { socket: Socket; subscribed: Promise<void> } {
  const key = randomBytes(16).toString('base64');
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');
  // `onread`: each read lands in one buffer shared by every subscriber and is handled at once,
  // without a stream's per-chunk buffering and events.
  const socket = connect({
    port,
    host: '127.0.0.1',
    onread: {
      buffer: READ_BUFFER,
      callback: (n) => {
        onRead(n);
        return true;
      },
    },
  });
  socket.setNoDelay(true);
  const send = (opcode: number, text: string | Buffer) =>
    socket.write(wsFrame(opcode, typeof text === 'string' ? Buffer.from(text) : text, true));

  let onRead: (n: number) => void = () => undefined;
  const subscribed = new Promise<void>((resolve, reject) => {
    let upgraded = false;
    let acknowledged = false;
    /** Bytes of a frame (or of the handshake answer) that arrived in part. */
    let rest: Buffer | undefined;
    const fail = (why: string) => {
      socket.destroy();
      reject(new Error(`bench subscriber: ${why}`));
    };
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(
        `GET /graphql HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n`,
      );
    });
    const onMessage = (data: Buffer, start: number, end: number, at: number) => {
      if (acknowledged) {
        if (startsWith(data, start, end, PING)) send(OP_TEXT, PONG);
        else onText(data, start, end, at);
      } else if (startsWith(data, start, end, ACK)) {
        acknowledged = true;
        send(OP_TEXT, subscribe);
        resolve();
      } else {
        fail(`expected connection_ack, got ${data.toString('utf8', start, end)}`);
      }
    };
    onRead = (n: number) => {
      const at = performance.now();
      const chunk = READ_BUFFER.subarray(0, n);
      const data = rest ? Buffer.concat([rest, chunk]) : chunk;
      rest = undefined;
      let offset = 0;
      if (!upgraded) {
        const headEnd = data.indexOf('\r\n\r\n');
        if (headEnd < 0) {
          rest = data;
          return;
        }
        const head = data.toString('latin1', 0, headEnd);
        if (!head.startsWith('HTTP/1.1 101')) return fail(`upgrade refused: ${head.split('\r\n')[0]}`);
        if (!head.toLowerCase().includes(`sec-websocket-accept: ${accept.toLowerCase()}`)) {
          return fail('upgrade answered with a wrong Sec-WebSocket-Accept');
        }
        upgraded = true;
        send(OP_TEXT, '{"type":"connection_init"}');
        offset = headEnd + 4;
      }
      while (offset < data.length) {
        if (data.length - offset < 2) break;
        const first = data[offset] as number;
        const second = data[offset + 1] as number;
        if (second & 0x80) return fail('server frames must not be masked');
        let length = second & 0x7f;
        let header = 2;
        if (length === 126) {
          if (data.length - offset < 4) break;
          length = data.readUInt16BE(offset + 2);
          header = 4;
        } else if (length === 127) {
          if (data.length - offset < 10) break;
          length = Number(data.readBigUInt64BE(offset + 2));
          header = 10;
        }
        if (data.length - offset < header + length) break;
        const start = offset + header;
        const end = start + length;
        offset = end;
        const opcode = first & 0x0f;
        if (!(first & 0x80) || opcode === OP_CONTINUATION) return fail('fragmented messages are not expected');
        if (opcode === OP_TEXT) onMessage(data, start, end, at);
        else if (opcode === OP_PING) send(OP_PONG, data.subarray(start, end));
        else if (opcode === OP_CLOSE) {
          socket.end();
          return;
        } else if (opcode !== OP_PONG) return fail(`unexpected opcode ${opcode}`);
      }
      // Copied: the shared buffer takes the next read.
      if (offset < data.length) rest = Buffer.from(data.subarray(offset));
    };
  });
  return { socket, subscribed };
}
