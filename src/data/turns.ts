/**
 * Fair turns on the one event loop every request shares. A request whose providers answer at once
 * (the read cache, a fast provider) would otherwise complete its whole result without giving the
 * loop back, and every other client would wait for all of it. So once the loop has run for a slice
 * without a pass, the running request's next list to complete and its next batch of reads wait for
 * a turn. Turns are given one per pass of the event loop, so sockets are read and new requests
 * start between them. A request waiting for its first turn gets it before every request that has
 * had one, in the order they came; the rest take turns in rotation. So a request that arrives
 * while a heavy one runs waits for the loop's next pass, not for the heavy one's next slice, and
 * the heavy one still gets a turn in every pass that no newcomer needs.
 *
 * A request's reads wait until its paused lists have completed, so the loads those lists make join
 * the same batch: turns never add provider calls. A request whose client has gone waits for no
 * turn: what it has paused resumes at once, to find that it has gone and stop.
 */
import { performance } from 'node:perf_hooks';
import type { Abortable } from '../../adapters/contract/index.js';

export class Turns {
  /** Requests waiting for their first turn, in the order they came. */
  private readonly newcomers: RequestTurns[] = [];
  /** Requests that have had a turn and wait for another, in rotation; each is in one queue at most once. */
  private readonly ready: RequestTurns[] = [];
  private scheduled = false;
  /** When the loop's current run without a pass began, as far as a check has seen it. */
  private runStart = 0;
  /** Whether an immediate is set to mark the end of the current run (the loop's next pass). */
  private marking = false;
  /**
   * Marks the end of the current run at the loop's next timers phase too, which comes before its
   * I/O. An immediate set in the check phase (a turn begins its run there) runs only in the next
   * check phase, after that I/O: a request read from its socket then found the turn's run still
   * going and expired, and waited for the next turn of the request that had just had one (a fifth
   * of the list requests beside the heavy client). The timer is due a millisecond after the run
   * began; a run younger than that is not past any slice.
   */
  private readonly passMark: NodeJS.Timeout;

  constructor(readonly sliceMs: number) {
    this.passMark = setTimeout(this.endRun, 0).unref();
  }

  /**
   * Whether the loop has run for a slice without a pass. The slice is the loop's, not a request's:
   * requests that interleave on a busy loop do not pause while the loop still passes often.
   */
  get expired(): boolean {
    const now = performance.now();
    if (this.marking) return now - this.runStart >= this.sliceMs;
    this.startRun(now);
    return false;
  }

  private startRun(now: number): void {
    this.runStart = now;
    if (this.marking) return;
    this.marking = true;
    setImmediate(this.endRun);
    this.passMark.refresh();
  }

  private readonly endRun = (): void => {
    this.marking = false;
  };

  /** `signal`: the request's, aborted when its client leaves (listened on without making an `AbortSignal`). */
  forRequest(signal: Abortable): RequestTurns {
    return new RequestTurns(this, signal);
  }

  enqueue(request: RequestTurns): void {
    (request.hadTurn ? this.ready : this.newcomers).push(request);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.next);
    }
  }

  /** One turn, to the first newcomer or else the head of the rotation; it goes to the back if it still waits. */
  private readonly next = (): void => {
    const request = this.newcomers.shift() ?? this.ready.shift();
    // An immediate set while the loop runs immediates runs on its next pass, after I/O.
    this.scheduled = this.newcomers.length > 0 || this.ready.length > 0;
    if (this.scheduled) setImmediate(this.next);
    // A turn begins a run of its own: the runs before it ended at this pass.
    this.startRun(performance.now());
    request?.turn();
  };
}

/** One request's turns. */
export class RequestTurns {
  /** Lists of this request paused until a later turn, in the order they paused. */
  private readonly lists: (() => void)[] = [];
  /** Batches of reads waiting for a turn; each waits until no list of this request is paused. */
  private readonly batches: (() => void)[] = [];
  /** Whether the batches begun in this synchronous run wait for a turn (unset between runs). */
  private late: boolean | undefined;

  /** Whether the abort listener is on the request's signal (added when the request first waits). */
  private listening = false;
  /** Whether this request has had a turn: until then it goes before those that have. */
  hadTurn = false;

  constructor(
    private readonly scheduler: Turns,
    private readonly signal: Abortable,
  ) {}

  /**
   * Called before a list completes: nothing within the slice (or once the client has gone), else a
   * promise that resolves at one of this request's next turns.
   */
  pause(): Promise<void> | undefined {
    if (this.signal.aborted || !this.scheduler.expired) return undefined;
    return new Promise((resume) => this.wait(this.lists, resume));
  }

  /**
   * DataLoader's `batchScheduleFn`: like its default, the dispatch runs once this tick's promise
   * jobs are done, so a graph level's reads join one batch. A batch begun past the slice, or due
   * while lists of this request are paused (whose reads must join it), waits for a turn instead.
   * Whether it is late is decided once for every batch begun in one synchronous run, so the reads
   * one resolver starts together (`src/graphql/lookahead.ts`) go together.
   */
  readonly schedule = (dispatch: () => void): void => {
    if (this.late === undefined) {
      this.late = this.scheduler.expired;
      queueMicrotask(() => {
        this.late = undefined;
      });
    }
    const late = this.late;
    void Promise.resolve().then(() => process.nextTick(() => this.send(dispatch, late)));
  };

  /** A batch gathered already (`Loaders.sendPromptly`): sent now unless it is past the slice or lists wait. */
  sendNow(dispatch: () => void): void {
    this.send(dispatch, this.scheduler.expired);
  }

  private send(dispatch: () => void, late: boolean): void {
    if (!late && this.lists.length === 0) dispatch();
    else this.wait(this.batches, dispatch);
  }

  private wait(queue: (() => void)[], resume: () => void): void {
    if (this.signal.aborted) {
      resume();
      return;
    }
    if (!this.listening) {
      this.listening = true;
      this.signal.addEventListener('abort', this.release, { once: true });
    }
    const idle = this.lists.length === 0 && this.batches.length === 0;
    queue.push(resume);
    if (idle) this.scheduler.enqueue(this);
  }

  /**
   * The client has gone: everything paused resumes now, in order. Its place in the rotation stays
   * until its turn comes, which then finds nothing to resume.
   */
  private readonly release = (): void => {
    for (const resume of this.lists.splice(0)) resume();
    for (const resume of this.batches.splice(0)) resume();
  };

  /** Resumes the earliest paused list, or else every waiting batch: they are one level's reads, sent together. */
  turn(): void {
    this.hadTurn = true;
    const list = this.lists.shift();
    const resumed = list ? [list] : this.batches.splice(0);
    if (this.lists.length > 0 || this.batches.length > 0) this.scheduler.enqueue(this);
    for (const resume of resumed) resume();
  }
}
