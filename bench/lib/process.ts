/**
 * Servers under test run as child processes, so the load generator and the server never share an
 * event loop, and each server's memory is its own.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { childListeningPort } from '../../test/helpers/listening-port.js';
import { sleep } from './stats.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** How long a server may take to listen and then to answer its readiness path. */
const START_MS = 30_000;

export interface ServerProcess {
  name: string;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  origin: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * The compiled form of a TypeScript entry (`npm run build`, which `npm run bench` runs first):
 * servers run as `npm start` runs the gateway, not through tsx, whose loader hooks would add their
 * own cost to every `require()` a dependency makes while serving.
 */
export function compiledEntry(entry: string): string {
  const compiled = `dist/${entry.replace(/\.ts$/, '.js')}`;
  if (!existsSync(`${ROOT}/${compiled}`)) throw new Error(`${compiled} is missing: run \`npm run build\` first`);
  return compiled;
}

/** What a server runs: a compiled TypeScript entry under node. */
interface Program {
  entry: string;
  /** Extra `node` flags, e.g. `--expose-gc`. */
  nodeArgs?: string[];
}

function spawnProgram(program: Program, env: Record<string, string>): ChildProcess {
  // Production for every Node server alike, gateway and floors: it is what `npm start` runs, and
  // graphql-js's development checks cost a small program like the bare floor proportionally more.
  // The log level is `warn` unless a section asks for another; whatever a server logs is read off
  // a pipe and dropped, as OpsOrch Core's lines are (`startCore`), not written to /dev/null.
  const child = spawn(process.execPath, [...(program.nodeArgs ?? []), compiledEntry(program.entry)], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', OPSORCH_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.resume();
  return child;
}

/**
 * Starts the program with `env`, which tells it to listen on port 0, learns the port it got, and
 * waits until `readyPath` answers 200 there. A port chosen free beforehand and handed over could be
 * taken by another process in between (tests and other benches start servers on this machine too),
 * and the readiness check then answered by that process. One process (no npm wrapper) so signals
 * and memory belong to the server itself.
 */
export async function startServer(
  options: Program & {
    name: string;
    env: Record<string, string>;
    readyPath: string;
  },
): Promise<ServerProcess> {
  const child = spawnProgram(options, options.env);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = Date.now();
  const port = await childListeningPort(child, START_MS).catch(async (err: unknown) => {
    await stopChild(child, exited);
    throw new Error(`${options.name} ${(err as Error).message}: ${stderr}`);
  });
  const origin = `http://127.0.0.1:${port}`;
  for (;;) {
    const early = await Promise.race([exited, sleep(100).then(() => undefined)]);
    if (early !== undefined) throw new Error(`${options.name} exited with ${early} before it was ready: ${stderr}`);
    try {
      const response = await fetch(origin + options.readyPath);
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // not answering yet
    }
    if (Date.now() - started > START_MS) {
      await stopChild(child, exited);
      throw new Error(`${options.name} did not become ready within ${START_MS / 1000} s: ${stderr}`);
    }
  }
  return {
    name: options.name,
    origin,
    pid: child.pid ?? -1,
    stop: () => stopChild(child, exited),
  };
}

export async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
