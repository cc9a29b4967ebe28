/**
 * Real Prometheus for tests: the Debian `prometheus` binary on a free loopback port with a temp
 * TSDB, scraping a small exporter the test controls every second. Also the process plumbing the
 * Alertmanager helper shares: free ports, spawning, waiting for `/-/ready`, stopping.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface RealServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * Spawns a server on a free port and waits until `/-/ready` answers 200. Another suite may grab
 * the port between probing and binding, so a server that exits early is retried on a new port.
 */
export interface SpawnOptions {
  /** `https` when the server is given a TLS web config. */
  scheme?: 'http' | 'https';
  /** Readiness probe, for servers that need TLS trust or credentials; plain GET `/-/ready` otherwise. */
  probe?: (url: string) => Promise<boolean>;
}

export async function spawnReady(
  binary: string,
  args: (port: number, dir: string) => string[],
  prepare: (dir: string, port: number) => Promise<void>,
  options: SpawnOptions = {},
): Promise<RealServer> {
  const dir = await mkdtemp(join(tmpdir(), 'opsorch-'));
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    await prepare(dir, port);
    const child = spawn(binary, args(port, dir), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    const url = `${options.scheme ?? 'http'}://127.0.0.1:${port}`;
    if (await waitReady(url, child, options.probe ?? plainProbe)) {
      return {
        url,
        async stop() {
          await stopChild(child);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    await stopChild(child);
    lastError = stderr;
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`${binary} did not become ready:\n${lastError}`);
}

async function plainProbe(url: string): Promise<boolean> {
  return (await fetch(`${url}/-/ready`)).ok;
}

async function waitReady(url: string, child: ChildProcess, probe: (url: string) => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + 30_000;
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
    (port, dir) => [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
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
