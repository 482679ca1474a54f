// One warm worker that runs jobs one at a time, instead of a worker started (bundle loaded,
// WebAssembly compiled) per job. No Node or vscode here: the thread is made by an injected
// factory (worker_threads in src/views/traceWorkerHost.ts, a fake in the unit tests).
// Jobs queue in order. Cancelling a queued job just drops it; cancelling the running one
// terminates the thread at once (an engine job cannot be interrupted otherwise), settles the job
// as cancelled and switches to a spare thread started at the previous cancellation (so typing
// into a large spec, where each edit cancels the last one's parse, never waits for a cold start:
// a third of a second here), starting the next spare in the background. A
// thread that fails or exits during a job rejects that job; the next job starts a new thread.
// Messages carry a job id, so an answer from a thread that was replaced is never mistaken for
// the current job's. `generation` counts threads, so state a thread keeps between jobs (the
// trace worker keeps the spec it parsed) is only asked for from the thread that has it.

/** The events a worker thread reports, wired by the factory. */
export interface WorkerEvents {
  message(data: unknown): void;
  error(error: unknown): void;
  exit(code: number): void;
}

/** The part of a worker thread the pool uses. */
export interface WorkerThread {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  terminate(): void;
}

export type WorkerFactory = (events: WorkerEvents) => WorkerThread;

/** What the pool posts: the job's id and its request. */
export interface JobMessage<Request> { readonly id: number; readonly request: Request }
/** What a worker answers: the id of the job it ran and its response. */
export interface JobAnswer<Response> { readonly id: number; readonly response: Response }

/** A job's request and the buffers to transfer with it, built when it is posted. */
export type PreparedRequest<Request> = { readonly request: Request; readonly transfer?: readonly ArrayBuffer[] };

interface Job<Request, Response> {
  id: number;
  prepare(generation: number): PreparedRequest<Request>;
  signal: AbortSignal;
  resolve(response: Response | undefined): void;
  reject(error: Error): void;
  onAbort(): void;
  /** the generation of the thread the job was posted to (set when it starts) */
  generation?: number;
}

interface Thread { worker: WorkerThread; generation: number }

export class WarmWorker<Request, Response> {
  private thread: Thread | undefined;
  /** a second thread started at a cancellation, ready to replace the next cancelled one */
  private spare: Thread | undefined;
  private running: Job<Request, Response> | undefined;
  private readonly queue: Job<Request, Response>[] = [];
  private nextId = 1;
  private generations = 0;
  private disposed = false;

  constructor(private readonly factory: WorkerFactory) {}

  /** The generation of the thread that runs (or will run) the next job: 0 before any thread. */
  get generation(): number { return this.thread?.generation ?? 0; }
  /** True while a job runs. */
  get busy(): boolean { return this.running !== undefined; }

  /** Starts a thread now if none is up (so the first job does not wait for a cold start). */
  warm(): void {
    if (!this.thread && !this.disposed) this.thread = this.spawn();
  }

  /**
   * Runs a job after the jobs queued before it. `prepare` builds its request when it is posted,
   * given the generation of the thread that will run it. Resolves the worker's response, or
   * undefined when `signal` aborted the job; rejects when the thread failed during the job.
   */
  run(prepare: (generation: number) => PreparedRequest<Request>, signal: AbortSignal): Promise<Response | undefined> {
    if (signal.aborted || this.disposed) return Promise.resolve(undefined);
    return new Promise<Response | undefined>((resolve, reject) => {
      const job: Job<Request, Response> = {
        id: this.nextId++, prepare, signal, resolve, reject,
        onAbort: () => this.abort(job),
      };
      signal.addEventListener('abort', job.onAbort);
      this.queue.push(job);
      this.pump();
    });
  }

  private pump(): void {
    if (this.running || this.disposed) return;
    const job = this.queue.shift();
    if (!job) return;
    this.warm();
    const thread = this.thread!;
    this.running = job;
    job.generation = thread.generation;
    try {
      const { request, transfer = [] } = job.prepare(thread.generation);
      const message: JobMessage<Request> = { id: job.id, request };
      thread.worker.postMessage(message, transfer);
    } catch (error) {
      this.settle(job, undefined, error instanceof Error ? error : new Error(String(error)));
    }
  }

  private spawn(): Thread {
    const generation = ++this.generations;
    const thread: Thread = { generation, worker: undefined as unknown as WorkerThread };
    thread.worker = this.factory({
      message: data => this.onMessage(thread, data),
      error: error => this.onFailure(thread, `the worker failed: ${error instanceof Error ? error.message : String(error)}`),
      exit: code => this.onFailure(thread, `the worker stopped unexpectedly (exit code ${code})`),
    });
    return thread;
  }

  private onMessage(thread: Thread, data: unknown): void {
    const answer = data as JobAnswer<Response>;
    const job = this.running;
    // an answer from a replaced thread, or for a job already settled, is dropped
    if (thread !== this.thread || !job || answer?.id !== job.id) return;
    this.settle(job, answer.response);
  }

  private onFailure(thread: Thread, message: string): void {
    if (thread === this.spare) { this.spare = undefined; return; } // the next cancellation starts a cold one
    if (thread !== this.thread) return; // a thread we terminated, or replaced
    this.thread = undefined;
    const job = this.running;
    if (job) this.settle(job, undefined, new Error(message));
    else this.pump();
  }

  private abort(job: Job<Request, Response>): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      job.signal.removeEventListener('abort', job.onAbort);
      job.resolve(undefined);
      return;
    }
    if (this.running !== job) return;
    // the running job: only stopping its thread stops the engine. The spare (warm since the last
    // cancellation) takes its place, and a new spare starts behind it.
    const thread = this.thread;
    this.thread = this.spare;
    this.spare = undefined;
    if (thread) thread.worker.terminate();
    if (!this.disposed) {
      this.warm();
      this.spare = this.spawn();
    }
    this.settle(job, undefined);
  }

  private settle(job: Job<Request, Response>, response: Response | undefined, error?: Error): void {
    if (this.running === job) this.running = undefined;
    job.signal.removeEventListener('abort', job.onAbort);
    if (error) job.reject(error);
    else job.resolve(response);
    this.pump();
  }

  /** Stops the thread; queued and running jobs resolve as cancelled. */
  dispose(): void {
    this.disposed = true;
    const jobs = [...(this.running ? [this.running] : []), ...this.queue.splice(0)];
    this.running = undefined;
    for (const thread of [this.thread, this.spare]) thread?.worker.terminate();
    this.thread = undefined;
    this.spare = undefined;
    for (const job of jobs) {
      job.signal.removeEventListener('abort', job.onAbort);
      job.resolve(undefined);
    }
  }
}

/**
 * Shows a progress indicator for `work` only if it is still running after `delayMs`, so a quick
 * job never flashes one. `show` gets called at most once.
 */
export function showProgressAfter(
  work: Promise<unknown>, delayMs: number, show: () => void,
  scheduler: { schedule(run: () => void, ms: number): unknown; cancel(handle: unknown): void },
): void {
  let done = false;
  const handle = scheduler.schedule(() => { if (!done) show(); }, delayMs);
  const finish = () => { done = true; scheduler.cancel(handle); };
  work.then(finish, finish);
}
