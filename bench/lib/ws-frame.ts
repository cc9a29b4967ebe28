/**
 * One final WebSocket frame (RFC 6455) for the bench's bare clients and servers: a client's masked
 * with a fresh key, as the RFC requires of clients, a server's unmasked.
 */
import { randomBytes } from 'node:crypto';

export const OP_TEXT = 0x1;

export function wsFrame(opcode: number, payload: Buffer, masked: boolean): Buffer {
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const maskBytes = masked ? 4 : 0;
  const frame = Buffer.allocUnsafe(header + maskBytes + length);
  frame[0] = 0x80 | opcode;
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) {
    frame[1] = maskBit | length;
  } else if (length < 65536) {
    frame[1] = maskBit | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = maskBit | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!masked) {
    payload.copy(frame, header);
    return frame;
  }
  const mask = randomBytes(4);
  mask.copy(frame, header);
  for (let i = 0; i < length; i++) frame[header + 4 + i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return frame;
}
