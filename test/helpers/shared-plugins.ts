/**
 * One real OpsOrch plugin process per capability, shared by OpsOrch Core and the gateway, so both
 * read the same seeded records with the same timestamps and see each other's writes (OpsOrch's
 * mocks seed relative to their own start, so two processes never agree to the millisecond).
 * Each side is given an executable that pipes its stdin and stdout to a broker here; the broker
 * feeds the plugin one request line at a time, as the protocol wants, and returns each answer line
 * to the side that asked.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Capability } from '../../adapters/contract/index.js';
import { OPSORCH_BIN, OPSORCH_PLUGINS } from './opsorch.js';

export interface SharedPlugins {
  /** `OPSORCH_<CAP>_PLUGIN` for every capability, pointing at the shared processes. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const PIPE = `
const socket = require('node:net').connect(process.argv[2]);
process.stdin.pipe(socket);
socket.pipe(process.stdout);
socket.on('close', () => process.exit(0));
socket.on('error', () => process.exit(1));
`;

interface Pending {
  line: string;
  socket: Socket;
}

function broker(binary: string, socketPath: string): { server: Server; child: ChildProcessWithoutNullStreams } {
  const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr.resume();
  const answers = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const queue: Pending[] = [];
  let busy = false;
  const pump = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    for (let next = queue.shift(); next; next = queue.shift()) {
      child.stdin.write(`${next.line}\n`);
      const answer = await answers.next();
      if (answer.done) break;
      if (!next.socket.destroyed) next.socket.write(`${answer.value}\n`);
    }
    busy = false;
  };
  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    createInterface({ input: socket }).on('line', (line) => {
      if (line.trim() === '') return;
      queue.push({ line, socket });
      void pump();
    });
  });
  server.listen(socketPath);
  return { server, child };
}

export async function sharePlugins(): Promise<SharedPlugins> {
  const dir = mkdtempSync(join(tmpdir(), 'opsorch-shared-'));
  const pipe = join(dir, 'pipe.cjs');
  writeFileSync(pipe, PIPE);
  const brokers: ReturnType<typeof broker>[] = [];
  const env: Record<string, string> = {};
  for (const [capability, binary] of Object.entries(OPSORCH_PLUGINS) as [Capability, string][]) {
    const socketPath = join(dir, `${binary}.sock`);
    const b = broker(`${OPSORCH_BIN}/${binary}`, socketPath);
    await once(b.server, 'listening');
    brokers.push(b);
    const executable = join(dir, binary);
    writeFileSync(executable, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${pipe} ${socketPath}\n`);
    chmodSync(executable, 0o755);
    env[`OPSORCH_${capability.toUpperCase()}_PLUGIN`] = executable;
  }
  return {
    env,
    async stop() {
      for (const { server, child } of brokers) {
        server.close();
        if (child.exitCode === null) {
          child.stdin.end();
          await once(child, 'exit');
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
