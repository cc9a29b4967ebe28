/**
 * Runs one plugin executable as a long-lived child process and gives its callers what the bare
 * protocol lacks: a time-out per call, a bounded queue, restart with back-off after a crash or a
 * hang, stderr in the gateway log, and a clean shutdown. Plugins that announced the `id`
 * extension get concurrent calls matched by ID; all others get the strict one-at-a-time exchange
 * OpsOrch Core uses, so they run unchanged.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { type Abortable, AdapterError, type AdapterLogger, type Health } from '../contract/index.js';
import { pluginEnvironment } from './environment.js';
import type { HeldAnswers } from './held-answers.js';
import { splitLines } from './lines.js';
import { type Descendant, descendants, signalDescendant } from './process-tree.js';
import { type PluginExtension, parseLine, requestEncoder, toAdapterError } from './protocol.js';
import { redact, secretValues } from './redact.js';
import { StderrLog } from './stderr-log.js';

export interface PluginHostOptions {
  /** Provider instance name: tags log lines and error messages. */
  name: string;
  path: string;
  /** Sent as `config` with every request; never logged. */
  config: Record<string, unknown>;
  logger: AdapterLogger;
  timeoutMs: number;
  maxQueue: number;
  /** How long a plugin gets to exit after stdin closes or SIGTERM before the next step. */
  killGraceMs: number;
  restartInitialMs: number;
  restartMaxMs: number;
  /** A longer stdout line is a protocol error: the plugin is restarted and its calls fail. */
  maxStdoutLineBytes: number;
  /** A longer stderr line is logged cut at this length. */
  maxStderrLineBytes: number;
  /** stderr lines logged per window; the others are only counted. */
  stderrLogLines: number;
  stderrLogWindowMs: number;
  /**
   * Answers read lately, shared by a pool's processes. Not used for a plugin that answers with
   * `id`s: each of its lines is new.
   */
  heldAnswers?: HeldAnswers;
}

interface Call {
  seq: number;
  method: string;
  payload: unknown;
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** When it times out (`performance.now()`), while `timed`. */
  deadline: number;
  /** Its time-out is still to come: not yet answered, failed by the host, nor timed out. */
  timed: boolean;
  /** The caller has had its answer (time-out or abort); a late response is only consumed. */
  settled: boolean;
  /** Whether the request went out with an `id`, so its response must echo it. */
  wireId: boolean;
  /** Lines seen from the process when the request was written: unchanged at time-out means hung. */
  linesAtSend: number;
  /**
   * The caller's abort signal and the listener the call added to it, removed once the call is
   * answered or failed (`detach`). Kept as fields, not as a closure that removes the listener: that
   * closure's scope held the call with its answer and the signal, and on the Core incident page each
   * plugin answer then survived the next scavenge and was promoted (about 80 KB a page,
   * `--trace-gc-nvp`), the same listener held this way not.
   */
  signal?: Abortable;
  onAbort?: () => void;
}

interface Proc {
  child: ChildProcessWithoutNullStreams;
  extensions: Set<PluginExtension>;
  lines: number;
  /** Why the host is killing it, for the callers whose calls die with it. */
  killReason?: string;
  killTimer?: NodeJS.Timeout;
  /** What the process had started when the host first signalled it: signalled with it. */
  descendants?: Descendant[];
  done: boolean;
  closed: Promise<void>;
}

const MAX_LOGGED_LINE = 300;

/** Stops listening to the caller's abort signal. */
function detach(call: Call): void {
  if (call.signal && call.onAbort) call.signal.removeEventListener('abort', call.onAbort);
}

export class PluginHost {
  private readonly secrets: ReadonlySet<string>;
  private proc: Proc | null = null;
  private readonly queue: Call[] = [];
  private inflight: Call[] = [];
  private seq = 0;
  /** Restarts since the last answer: the back-off's exponent. */
  private restarts = 0;
  private restartsTotal = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private closing = false;
  /** One timer for every call's time-out, due at `sweepAt` (see `timeCall`). */
  private sweep: NodeJS.Timeout | undefined;
  private sweepAt = Number.POSITIVE_INFINITY;
  /** Calls whose time-out is still to come. */
  private timedCalls = 0;
  private readonly stderr: StderrLog;
  private readonly encode: ReturnType<typeof requestEncoder>;

  constructor(private readonly options: PluginHostOptions) {
    this.secrets = secretValues(options.config);
    this.encode = requestEncoder(options.config);
    this.stderr = new StderrLog({
      plugin: options.name,
      logger: options.logger,
      secrets: this.secrets,
      maxLines: options.stderrLogLines,
      windowMs: options.stderrLogWindowMs,
    });
    this.start();
  }

  /** PID of the running plugin process, if one is running. */
  get pid(): number | undefined {
    return this.proc && !this.proc.done ? this.proc.child.pid : undefined;
  }

  /** Times the process stopped unasked (crashed, or killed for a hung call or a broken line) and was restarted. */
  get restartCount(): number {
    return this.restartsTotal;
  }

  /** Calls waiting or being answered: where a pool sends the next call. */
  get load(): number {
    return this.queue.length + this.inflight.length;
  }

  /** Extensions the running process announced. */
  get extensions(): ReadonlySet<PluginExtension> {
    return this.proc?.extensions ?? new Set();
  }

  call(method: string, payload: unknown, signal?: Abortable): Promise<unknown> {
    const { name, timeoutMs, maxQueue } = this.options;
    if (this.closing) return Promise.reject(new AdapterError('PROVIDER_ERROR', `plugin ${name} is shut down`));
    if (signal?.aborted) return Promise.reject(new AdapterError('TIMEOUT', `call to plugin ${name} was cancelled`));
    if (this.queue.length >= maxQueue) {
      return Promise.reject(
        new AdapterError(
          'RATE_LIMITED',
          `plugin ${name} already has ${this.queue.length} calls waiting (maxQueue ${maxQueue}); try again shortly`,
          { retryAfter: 1 },
        ),
      );
    }
    return new Promise<unknown>((resolve, reject) => {
      const call: Call = {
        seq: ++this.seq,
        method,
        payload,
        resolve,
        reject,
        settled: false,
        wireId: false,
        linesAtSend: 0,
        deadline: performance.now() + timeoutMs,
        timed: true,
      };
      this.timeCall(call);
      if (signal) {
        const onAbort = () => this.settle(call, new AdapterError('TIMEOUT', `call to plugin ${name} was cancelled`));
        signal.addEventListener('abort', onAbort, { once: true });
        call.signal = signal;
        call.onAbort = onAbort;
      }
      this.queue.push(call);
      this.pump();
    });
  }

  async checkHealth(signal?: AbortSignal): Promise<Health> {
    const { name } = this.options;
    if (this.closing) return { status: 'DOWN', message: `plugin ${name} is shut down` };
    const proc = this.proc;
    if (!proc || proc.done) return { status: 'DOWN', message: `plugin ${name} is not running; restarting` };
    if (!proc.extensions.has('health')) return { status: 'HEALTHY', message: `process ${proc.child.pid} running` };
    const answer = await this.call('health', {}, signal);
    const status = typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>).status : answer;
    const message = typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>).message : null;
    const text = typeof message === 'string' ? this.clean(message) : null;
    switch (String(status).toLowerCase()) {
      case 'ok':
      case 'healthy':
      case 'up':
        return { status: 'HEALTHY', message: text };
      case 'degraded':
        return { status: 'DEGRADED', message: text };
      case 'down':
      case 'unhealthy':
        return { status: 'DOWN', message: text };
      default:
        return { status: 'UNKNOWN', message: text };
    }
  }

  /** Fails what is waiting, lets the plugin exit on end of input, then escalates to signals. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.restartTimer);
    clearTimeout(this.sweep);
    this.sweep = undefined;
    for (const call of this.queue.splice(0)) {
      this.settle(call, new AdapterError('PROVIDER_ERROR', `plugin ${this.options.name} is shutting down`));
    }
    const proc = this.proc;
    if (!proc || proc.done) return;
    proc.killReason = 'was stopped because the gateway is shutting down';
    proc.child.stdin.end();
    const exited = await Promise.race([
      proc.closed.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), this.options.killGraceMs).unref()),
    ]);
    if (!exited) this.kill(proc, proc.killReason);
    await proc.closed;
  }

  // --- process lifecycle ----------------------------------------------------------------------

  private start(): void {
    const { path, logger, name, maxStdoutLineBytes, maxStderrLineBytes } = this.options;
    // In the gateway's own session, as OpsOrch Core starts its plugins. A session of its own
    // (`detached`) is also a scheduler autogroup of its own on Linux: every call then waited for the
    // scheduler to switch groups, 2 to 3 times the wall time of a call on a busy machine. So there
    // is no process group of its own to signal: `signal` finds what it started instead.
    const child = spawn(path, [], { stdio: ['pipe', 'pipe', 'pipe'], env: pluginEnvironment(process.env) });
    let markClosed: () => void = () => undefined;
    const proc: Proc = {
      child,
      extensions: new Set(),
      lines: 0,
      done: false,
      closed: new Promise<void>((resolve) => {
        markClosed = resolve;
      }),
    };
    this.proc = proc;
    child.stdin.on('error', () => undefined);
    splitLines(child.stdout, maxStdoutLineBytes, {
      line: (line) => this.onLine(proc, line),
      overflow: () => this.onOverlongLine(proc),
    });
    splitLines(child.stderr, maxStderrLineBytes, {
      line: (line) => this.stderr.line(child.pid, line),
      overflow: (head) => this.stderr.truncated(child.pid, head, maxStderrLineBytes),
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (child.pid === undefined) this.onClose(proc, `could not be started (${err.code ?? err.message})`, markClosed);
    });
    child.on('close', (code, signal) =>
      this.onClose(proc, signal ? `was killed by ${signal}` : `exited with code ${code}`, markClosed),
    );
    if (child.pid !== undefined) logger.info({ plugin: name, pid: child.pid }, 'plugin started');
  }

  private onClose(proc: Proc, how: string, markClosed: () => void): void {
    if (proc.done) return;
    proc.done = true;
    clearTimeout(proc.killTimer);
    const reason = proc.killReason ?? how;
    const { name, logger } = this.options;
    this.stderr.flush(proc.child.pid);
    for (const call of this.inflight) {
      this.untime(call);
      this.settle(call, new AdapterError('PROVIDER_ERROR', `plugin ${name} ${reason} while answering ${call.method}`));
    }
    this.inflight = [];
    if (this.proc === proc) this.proc = null;
    markClosed();
    if (this.closing) return;
    const delay = Math.min(this.options.restartMaxMs, this.options.restartInitialMs * 2 ** this.restarts);
    this.restarts += 1;
    this.restartsTotal += 1;
    logger.warn({ plugin: name, pid: proc.child.pid, reason, restartInMs: delay }, 'plugin stopped; restarting');
    if (proc.child.pid === undefined) {
      // Spawning itself failed: waiting would only turn a clear error into a time-out.
      for (const call of this.queue.splice(0)) {
        this.settle(call, new AdapterError('PROVIDER_ERROR', `plugin ${name} ${reason}`));
      }
    }
    this.restartTimer = setTimeout(() => {
      this.start();
      this.pump();
    }, delay);
  }

  /** SIGTERM now, SIGKILL after the grace period; its callers learn why from `reason`. */
  private kill(proc: Proc, reason: string): void {
    if (proc.done || proc.killTimer) return;
    proc.killReason = reason;
    this.signal(proc, 'SIGTERM');
    proc.killTimer = setTimeout(() => this.signal(proc, 'SIGKILL'), this.options.killGraceMs);
  }

  /**
   * Signals the plugin and what it started, as a process group would be signalled: a wrapper
   * script that did not `exec` its plugin dies of SIGTERM while the plugin, its child, holds the
   * pipes, and the host would wait for their end forever. Its descendants are taken at the first
   * signal, while they are still found below it, and get the later signals too.
   */
  private signal(proc: Proc, signal: NodeJS.Signals): void {
    const pid = proc.child.pid;
    if (pid === undefined || proc.done) return;
    proc.descendants ??= descendants(pid);
    proc.child.kill(signal);
    for (const descendant of proc.descendants) signalDescendant(descendant, signal);
  }

  // --- the exchange ---------------------------------------------------------------------------

  /**
   * Writes waiting calls to the process: one at a time in the strict exchange; with the `id`
   * extension up to `maxQueue` unanswered at once, since a call the caller gave up on stays owed
   * until the plugin answers it or its time-out, and the calls behind it wait in the bounded queue.
   */
  private pump(): void {
    const proc = this.proc;
    if (!proc || proc.done || proc.killTimer) return;
    const concurrent = proc.extensions.has('id');
    const room = concurrent ? this.options.maxQueue : 1;
    while (this.queue.length > 0 && this.inflight.length < room) {
      const call = this.queue.shift() as Call;
      call.wireId = concurrent;
      call.linesAtSend = proc.lines;
      this.inflight.push(call);
      proc.child.stdin.write(this.encode(call.method, call.payload, concurrent ? String(call.seq) : undefined));
    }
  }

  private onLine(proc: Proc, raw: string): void {
    if (proc !== this.proc || proc.done) return;
    const line = raw.trim();
    if (line === '') return;
    proc.lines += 1;
    const { name, logger } = this.options;
    const held = this.options.heldAnswers;
    // Held answers only in the strict exchange, where the call answered is the one in flight.
    const method = held && !proc.extensions.has('id') ? this.inflight[0]?.method : undefined;
    const parsed = held && method !== undefined ? parseLine(line, (text) => held.read(text, method)) : parseLine(line);
    if (parsed.type === 'announce') {
      proc.extensions = new Set(parsed.extensions);
      logger.info({ plugin: name, protocol: parsed.protocol, extensions: parsed.extensions }, 'plugin announced');
      this.pump();
      return;
    }
    if (parsed.type === 'garbage') {
      const strictCall = proc.extensions.has('id') ? undefined : this.inflight[0];
      logger.warn(
        { plugin: name, stdout: this.clean(line).slice(0, MAX_LOGGED_LINE) },
        'plugin wrote a non-protocol line',
      );
      if (!strictCall) return;
      // In the strict exchange the real answer may still follow: the stream can no longer be trusted.
      this.settle(
        strictCall,
        new AdapterError(
          'PROVIDER_ERROR',
          `plugin ${name} answered ${strictCall.method} with a line that is not a protocol response (${parsed.reason})`,
        ),
      );
      this.kill(proc, 'was restarted after writing a non-protocol line');
      return;
    }
    const index =
      parsed.id === undefined
        ? this.inflight.findIndex((c) => !c.wireId)
        : this.inflight.findIndex((c) => c.wireId && String(c.seq) === parsed.id);
    const call = this.inflight[index];
    if (!call) {
      logger.warn({ plugin: name, id: parsed.id }, 'plugin answered a call nobody is waiting for');
      return;
    }
    this.inflight.splice(index, 1);
    this.restarts = 0;
    this.untime(call);
    if (parsed.error) {
      const error = parsed.error;
      this.settle(call, toAdapterError(name, call.method, { ...error, message: this.clean(error.message) }));
    } else {
      detach(call);
      if (!call.settled) {
        call.settled = true;
        call.resolve(parsed.result);
      }
    }
    this.pump();
  }

  /** No answer can be read from a stream that broke its line bound: every call on it fails now. */
  private onOverlongLine(proc: Proc): void {
    if (proc !== this.proc || proc.done) return;
    const { name, logger, maxStdoutLineBytes } = this.options;
    const reason = `was restarted after writing a stdout line longer than ${maxStdoutLineBytes} bytes (maxStdoutLineBytes)`;
    logger.warn({ plugin: name, pid: proc.child.pid, maxStdoutLineBytes }, 'plugin stdout line over the limit');
    for (const call of this.inflight) {
      this.settle(call, new AdapterError('PROVIDER_ERROR', `plugin ${name} ${reason} while answering ${call.method}`));
    }
    this.kill(proc, reason);
  }

  /**
   * Calls time out through one timer per host rather than one per call: setting and clearing a
   * timer for each call cost more than the rest of the host's own work on it. The timer is due at
   * the earliest deadline of a timed call (they share one time-out, so later calls never need it
   * sooner), and holds the process open only while some call is timed.
   */
  private timeCall(call: Call): void {
    this.timedCalls += 1;
    if (this.timedCalls === 1) this.sweep?.ref();
    this.armSweep(call.deadline);
  }

  private armSweep(deadline: number): void {
    if (this.sweep && this.sweepAt <= deadline) return;
    clearTimeout(this.sweep);
    this.sweepAt = deadline;
    this.sweep = setTimeout(() => this.sweepTimeouts(), Math.max(0, deadline - performance.now()));
  }

  /** The call's time-out will not come: answered, failed by the host, or timed out. */
  private untime(call: Call): void {
    if (!call.timed) return;
    call.timed = false;
    this.timedCalls -= 1;
    if (this.timedCalls === 0) this.sweep?.unref();
  }

  /** Times out every timed call now due, oldest first, and sets the timer for the next deadline. */
  private sweepTimeouts(): void {
    this.sweep = undefined;
    this.sweepAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let next: Call | undefined;
    // In flight before queued: the order they were made in.
    for (const call of [...this.inflight, ...this.queue]) {
      if (!call.timed) continue;
      if (call.deadline <= now) {
        this.untime(call);
        this.timedOut(call);
      } else if (!next || call.deadline < next.deadline) next = call;
    }
    if (next) this.armSweep(next.deadline);
  }

  private timedOut(call: Call): void {
    const { name, timeoutMs } = this.options;
    const queued = this.queue.indexOf(call);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      const why = this.proc ? 'waiting behind other calls' : 'waiting for the plugin to restart';
      this.settle(
        call,
        new AdapterError('TIMEOUT', `plugin ${name}: ${call.method} timed out after ${timeoutMs} ms ${why}`),
      );
      return;
    }
    this.settle(
      call,
      new AdapterError('TIMEOUT', `plugin ${name} did not answer ${call.method} within ${timeoutMs} ms`),
    );
    const proc = this.proc;
    if (!proc || !this.inflight.includes(call)) return;
    // Strict mode cannot skip an answer that never comes; with IDs, only a silent process is hung.
    if (!call.wireId || proc.lines === call.linesAtSend) {
      this.kill(proc, `was restarted after ${call.method} hung for ${timeoutMs} ms`);
    } else {
      this.inflight.splice(this.inflight.indexOf(call), 1);
      this.pump();
    }
  }

  /**
   * Answers the caller with an error. A call already sent keeps its time-out: if the caller gave up
   * (abort), the plugin still owes an answer, and a hang must still be caught.
   */
  private settle(call: Call, error: Error): void {
    detach(call);
    const queued = this.queue.indexOf(call);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.untime(call);
    }
    if (call.settled) return;
    call.settled = true;
    call.reject(error);
  }

  private clean(text: string): string {
    return redact(text, this.secrets);
  }
}
