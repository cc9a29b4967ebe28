/**
 * Real Prometheus for tests: the Debian `prometheus` binary on a loopback port of its own with a
 * temp TSDB, scraping a small exporter the test controls every second. Also the process plumbing the
 * Alertmanager helper shares: spawning on port 0, waiting for `/-/ready`, stopping.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childListeningPort } from './listening-port.js';

export interface RealServer {
  url: string;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** `https` when the server is given a TLS web config. */
  scheme?: 'http' | 'https';
  /** Readiness probe, for servers that need TLS trust or credentials; plain GET `/-/ready` otherwise. */
  probe?: (url: string) => Promise<boolean>;
}

/** How long a server may take to listen, and then to be ready. */
const START_MS = 30_000;

/**
 * Spawns a server told to listen on `127.0.0.1:0` (`args` gets that address), learns the port it
 * got (`listening-port.ts`), and waits until `/-/ready` answers 200 there. A port found free and
 * handed over could be taken by another suite's server in between, whose `/-/ready` would then
 * answer for ours.
 */
export async function spawnReady(
  binary: string,
  args: (listenAddress: string, dir: string) => string[],
  prepare: (dir: string) => Promise<void>,
  options: SpawnOptions = {},
): Promise<RealServer> {
  const dir = await mkdtemp(join(tmpdir(), 'opsorch-'));
  await prepare(dir);
  const child = spawn(binary, args('127.0.0.1:0', dir), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const stop = async () => {
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  let problem: string;
  try {
    const port = await childListeningPort(child, START_MS);
    const url = `${options.scheme ?? 'http'}://127.0.0.1:${port}`;
    if (await waitReady(url, child, options.probe ?? plainProbe)) return { url, stop };
    problem = 'did not become ready';
  } catch (err) {
    problem = (err as Error).message;
  }
  await stop();
  throw new Error(`${binary} ${problem}:\n${stderr}`);
}

async function plainProbe(url: string): Promise<boolean> {
  return (await fetch(`${url}/-/ready`)).ok;
}

async function waitReady(url: string, child: ChildProcess, probe: (url: string) => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + START_MS;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if (await probe(url)) return true;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  return false;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value, failing with the last problem after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await sleep(250);
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

/** A `/metrics` endpoint serving whatever the test renders for the Nth scrape of a path. */
export interface Exporter {
  /** `host:port`, as a scrape target. */
  target: string;
  scrapes(path: string): number;
  close(): Promise<void>;
}

export async function startExporter(render: (path: string, scrape: number) => string): Promise<Exporter> {
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    const scrape = (counts.get(path) ?? 0) + 1;
    counts.set(path, scrape);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(render(path, scrape));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    target: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    scrapes: (path) => counts.get(path) ?? 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface ScrapeJob {
  job: string;
  target: string;
  path?: string;
}

/** `webConfig` is a web configuration file (TLS, basic auth) for `--web.config.file`. */
export async function startPrometheus(
  jobs: ScrapeJob[],
  options: SpawnOptions & { webConfig?: string } = {},
): Promise<RealServer> {
  return spawnReady(
    '/usr/bin/prometheus',
    (listenAddress, dir) => [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=${listenAddress}`,
      ...(options.webConfig ? [`--web.config.file=${options.webConfig}`] : []),
      '--log.level=warn',
    ],
    async (dir) => {
      const scrapeConfigs = jobs
        .map(
          (j) =>
            `  - job_name: ${JSON.stringify(j.job)}\n    metrics_path: ${JSON.stringify(j.path ?? '/metrics')}\n    static_configs:\n      - targets: [${JSON.stringify(j.target)}]`,
        )
        .join('\n');
      await writeFile(
        join(dir, 'prometheus.yml'),
        `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n${scrapeConfigs || '  []'}\n`,
      );
    },
    options,
  );
}

/** Runs an instant query straight against Prometheus, for waiting until scraped data is there. */
export async function instantQuery(
  url: string,
  expr: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return body.data.result;
}
