// The runtime's WarmWorker with a fake worker thread: one thread serves job after job (not one
// per job), a queued job that is cancelled is dropped without touching the thread, a running
// job that is cancelled terminates its thread and a fresh one is started at once, an answer
// from a terminated thread is ignored, and a thread that dies fails its job only. Plus
// showProgressAfter: a job that ends before the delay never shows progress. No timers: the
// fake thread answers when the test says so, and the scheduler is driven by hand.
import * as assert from 'node:assert/strict';
import { JobAnswer, JobMessage, showProgressAfter, WarmWorker, WorkerEvents } from '../../src/runtime/workerPool';

/** A worker thread the test drives: it records what it was sent and answers on demand. */
class FakeThread {
  readonly received: JobMessage<string>[] = [];
  terminated = false;
  constructor(readonly events: WorkerEvents, readonly generation: number) {}
  postMessage(message: unknown): void { this.received.push(message as JobMessage<string>); }
  terminate(): void { this.terminated = true; }
  /** answers the last job it received with `response` */
  answer(response: string): void {
    const last = this.received[this.received.length - 1];
    const answer: JobAnswer<string> = { id: last.id, response };
    this.events.message(answer);
  }
}

function pool(): { worker: WarmWorker<string, string>; threads: FakeThread[] } {
  const threads: FakeThread[] = [];
  const worker = new WarmWorker<string, string>(events => {
    const thread = new FakeThread(events, threads.length + 1);
    threads.push(thread);
    return thread;
  });
  return { worker, threads };
}

const job = (request: string) => () => ({ request });
const tick = async () => { for (let k = 0; k < 5; k++) await Promise.resolve(); };

describe('runtime WarmWorker', () => {
  it('runs job after job on one thread, in order, each answered with its own response', async () => {
    const { worker, threads } = pool();
    const first = worker.run(job('parse'), new AbortController().signal);
    const second = worker.run(job('trace'), new AbortController().signal);
    assert.equal(threads.length, 1);
    assert.deepEqual(threads[0].received.map(m => m.request), ['parse'], 'the second job waits for the first');
    threads[0].answer('parsed');
    assert.equal(await first, 'parsed');
    await tick();
    assert.deepEqual(threads[0].received.map(m => m.request), ['parse', 'trace']);
    threads[0].answer('traced');
    assert.equal(await second, 'traced');
    assert.equal(threads.length, 1, 'no thread started per job');
    assert.equal(threads[0].terminated, false);
  });

  it('cancelling a queued job drops it; the running one and the thread are untouched', async () => {
    const { worker, threads } = pool();
    const running = worker.run(job('a'), new AbortController().signal);
    const cancel = new AbortController();
    const queued = worker.run(job('b'), cancel.signal);
    cancel.abort();
    assert.equal(await queued, undefined);
    assert.equal(threads[0].terminated, false);
    threads[0].answer('A');
    assert.equal(await running, 'A');
    await tick();
    assert.deepEqual(threads[0].received.map(m => m.request), ['a'], 'the dropped job was never posted');
  });

  it('cancelling the running job terminates its thread, starts a fresh one, and the next job runs there', async () => {
    const { worker, threads } = pool();
    const cancel = new AbortController();
    const running = worker.run(job('slow'), cancel.signal);
    const next = worker.run(job('next'), new AbortController().signal);
    cancel.abort();
    assert.equal(await running, undefined);
    assert.equal(threads[0].terminated, true);
    assert.equal(threads.length, 3, 'a fresh thread warms up at once, and a spare for the next cancellation');
    await tick();
    assert.deepEqual(threads[1].received.map(m => m.request), ['next']);
    // a late answer of the terminated thread is not taken for the next job's
    threads[0].events.message({ id: threads[0].received[0].id, response: 'stale' });
    threads[1].answer('fresh');
    assert.equal(await next, 'fresh');
    assert.equal(worker.generation, 2);
  });

  it('cancelling the running job with nothing queued still leaves a fresh thread warming up', async () => {
    const { worker, threads } = pool();
    const cancel = new AbortController();
    const running = worker.run(job('slow'), cancel.signal);
    cancel.abort();
    assert.equal(await running, undefined);
    assert.equal(threads.length, 3, 'started in the background, before any next job (and a spare)');
    assert.equal(threads[1].terminated, false);
    assert.equal(threads[1].received.length, 0);
  });

  it('a second cancellation switches to the spare the first one started: the next job waits for no new thread', async () => {
    const { worker, threads } = pool();
    const first = new AbortController();
    void worker.run(job('edit 1'), first.signal);
    first.abort();
    const second = new AbortController();
    void worker.run(job('edit 2'), second.signal);
    await tick();
    assert.deepEqual(threads[1].received.map(m => m.request), ['edit 2']);
    const spare = threads[2];
    assert.equal(spare.received.length, 0, 'the spare waits');
    second.abort();
    assert.equal(threads[1].terminated, true);
    const third = worker.run(job('edit 3'), new AbortController().signal);
    await tick();
    assert.deepEqual(spare.received.map(m => m.request), ['edit 3'], 'the job runs on the spare, started before this cancellation');
    assert.equal(threads.length, 4, 'and the next spare starts behind it');
    assert.equal(threads[3].received.length, 0);
    spare.answer('traced');
    assert.equal(await third, 'traced');
    assert.equal(worker.generation, spare.generation);
    // a spare that dies while it waits is not used: the next cancellation starts a cold thread
    threads[3].events.exit(1);
    const fourth = new AbortController();
    void worker.run(job('edit 4'), fourth.signal);
    await tick();
    fourth.abort();
    const fifth = worker.run(job('edit 5'), new AbortController().signal);
    await tick();
    assert.deepEqual(threads[4].received.map(m => m.request), ['edit 5'], 'a new thread, not the dead spare');
    assert.equal(threads[3].received.length, 0);
    threads[4].answer('ok');
    assert.equal(await fifth, 'ok');
    worker.dispose();
    assert.ok(threads[5].terminated, 'dispose stops the spare too');
  });

  it('a thread that dies during a job rejects that job; the next job gets a new thread', async () => {
    const { worker, threads } = pool();
    const failing = worker.run(job('boom'), new AbortController().signal);
    threads[0].events.exit(1);
    await assert.rejects(failing, /stopped unexpectedly \(exit code 1\)/);
    const next = worker.run(job('again'), new AbortController().signal);
    assert.equal(threads.length, 2);
    threads[1].answer('ok');
    assert.equal(await next, 'ok');
  });

  it('passes the generation of the thread that will run the job to prepare', async () => {
    const { worker, threads } = pool();
    const seen: number[] = [];
    const prepare = (generation: number) => { seen.push(generation); return { request: `g${generation}` }; };
    const cancel = new AbortController();
    const first = worker.run(prepare, cancel.signal);
    cancel.abort();
    await first;
    const second = worker.run(prepare, new AbortController().signal);
    threads[1].answer('done');
    await second;
    assert.deepEqual(seen, [1, 2]);
  });
});

describe('runtime showProgressAfter', () => {
  class ManualScheduler {
    timers = new Map<number, { run: () => void; ms: number }>();
    private next = 0;
    schedule(run: () => void, ms: number): unknown { const id = ++this.next; this.timers.set(id, { run, ms }); return id; }
    cancel(handle: unknown): void { this.timers.delete(handle as number); }
    fireAll(): void { const due = [...this.timers.values()]; this.timers.clear(); due.forEach(t => t.run()); }
  }

  it('a job that ends before the delay shows nothing', async () => {
    const scheduler = new ManualScheduler();
    let shown = 0;
    const work = Promise.resolve('quick');
    showProgressAfter(work, 400, () => shown++, scheduler);
    assert.equal([...scheduler.timers.values()][0].ms, 400);
    await work; await tick();
    assert.equal(scheduler.timers.size, 0, 'the timer was cancelled when the job ended');
    scheduler.fireAll();
    assert.equal(shown, 0);
  });

  it('a timer that fires after the job ended (its cancel came too late) shows nothing', async () => {
    const scheduler = new ManualScheduler();
    scheduler.cancel = () => undefined; // the timer's callback was already on its way
    let shown = 0;
    const work = Promise.resolve('quick');
    showProgressAfter(work, 400, () => shown++, scheduler);
    await work; await tick();
    scheduler.fireAll();
    assert.equal(shown, 0);
  });

  it('a job still running after the delay shows progress once; a failed one counts as ended', async () => {
    const scheduler = new ManualScheduler();
    let shown = 0;
    let fail!: (error: Error) => void;
    const work = new Promise((_resolve, reject) => { fail = reject; });
    showProgressAfter(work, 400, () => shown++, scheduler);
    scheduler.fireAll();
    assert.equal(shown, 1);
    fail(new Error('x'));
    await work.catch(() => undefined);
    assert.equal(shown, 1);
  });
});
