// Whole computations side by side: independent calls of one library function (notebook 01 fits
// each pixel neighbourhood's model on its own) split over the threads, this thread taking the first
// share and one worker thread each other share. ./pool shares one computation step by step; this
// runs calls from start to end, with no shared state, so the numbers are those of running them one
// after another. Arguments and results cross threads by structured clone: they must be data (typed
// arrays, plain objects); arrays on a SharedArrayBuffer are shared rather than copied, which is how
// large inputs should be passed. The one exception is the project's progress callback: an argument
// object's `onProgress` is relayed, the worker posting each event and this thread passing it on (so a
// notebook shows the same progress lines as for calls run here). A worker loads the same table of
// functions through a module of lib/ that calls serveTasks with it.
import { isMainThread, parentPort, workerData } from 'worker_threads';
import { OnProgress, ProgressEvent } from '../progress';
import { startTypeScriptWorker, threadCount } from './pool';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (...args: any[]) => unknown;
export type TaskTable = Record<string, AnyFunction>;

/** A call's result and its own time in seconds (on whichever thread ran it). */
export interface TaskOutcome<R> {
  result: R;
  seconds: number;
}

interface TaskRequest {
  name: string;
  calls: unknown[][];
}
// One shape for every message (no discriminated union): tslab compiles without strictNullChecks, where
// such a union does not narrow. A progress event of call `call` of the worker's share, or the answer.
interface TaskMessage {
  progress?: ProgressEvent;
  call?: number;
  outcomes?: TaskOutcome<unknown>[];
  error?: string;
}

/** Stands in a worker's copy of the arguments for an onProgress callback, which cannot be cloned. */
const RELAYED = 'relayed to the calling thread';

/** The onProgress callbacks among a call's argument objects, and the arguments with each replaced by RELAYED. */
function splitProgress(args: unknown[]): { sendable: unknown[]; callbacks: OnProgress[] } {
  const callbacks: OnProgress[] = [];
  const sendable = args.map((arg) => {
    const callback = arg !== null && typeof arg === 'object' ? (arg as { onProgress?: unknown }).onProgress : undefined;
    if (typeof callback !== 'function') return arg;
    callbacks.push(callback as OnProgress);
    return { ...(arg as object), onProgress: RELAYED };
  });
  return { sendable, callbacks };
}

async function runCalls(fn: AnyFunction, calls: unknown[][]): Promise<TaskOutcome<unknown>[]> {
  const outcomes: TaskOutcome<unknown>[] = [];
  for (const args of calls) {
    const start = performance.now();
    const result = await fn(...args);
    outcomes.push({ result, seconds: (performance.now() - start) / 1000 });
  }
  return outcomes;
}

/**
 * table[name] applied to argsOf(item) for every item, results in the items' order. Item k goes to
 * thread k mod threads: share 0 runs here, each other share in a worker running lib/<workerModule>.
 * With one thread (LFR_THREADS=1) or one item everything runs here. A failed call rejects with its
 * item's position, after the other threads are stopped.
 */
export async function runConcurrently<T extends TaskTable, N extends keyof T & string, I>(
  table: T,
  workerModule: string,
  name: N,
  items: readonly I[],
  argsOf: (item: I) => Parameters<T[N]>,
  threads: number = threadCount(),
): Promise<TaskOutcome<Awaited<ReturnType<T[N]>>>[]> {
  const fn = table[name];
  if (typeof fn !== 'function') throw new Error(`runConcurrently: no task named '${name}' in the table`);
  const calls = items.map((item) => argsOf(item) as unknown[]);
  const shares = Math.max(1, Math.min(Math.floor(threads), calls.length));
  const positions = Array.from({ length: shares }, (_, s) => calls.map((_, k) => k).filter((k) => k % shares === s));
  const workers = positions.slice(1).map((share) => {
    const split = share.map((k) => splitProgress(calls[k]));
    const request: TaskRequest = { name, calls: split.map(({ sendable }) => sendable) };
    const worker = startTypeScriptWorker(workerModule, request);
    const done = new Promise<TaskOutcome<unknown>[]>((resolve, reject) => {
      const failed = (why: string) => reject(new Error(`${name} (item ${share[0] + 1} of ${calls.length}) in a worker thread: ${why}`));
      worker.on('message', (message: TaskMessage) => {
        if (message.progress) split[message.call ?? 0].callbacks.forEach((callback) => callback(message.progress!));
        else if (message.error === undefined) resolve(message.outcomes ?? []);
        else failed(message.error);
      });
      // The message, not the stack: a module that fails to load carries minified loader source in its stack.
      worker.once('error', (error) => failed(error.message));
      worker.once('exit', (code) => failed(`the thread exited (code ${code}) without an answer`));
    });
    // Rejections are read below, in order; until then one must not count as unhandled.
    done.catch(() => undefined);
    return { worker, done };
  });
  const stopAll = () => Promise.all(workers.map(({ worker }) => worker.terminate()));
  const outcomes: TaskOutcome<unknown>[] = new Array(calls.length);
  try {
    const here = await runCalls(
      fn,
      positions[0].map((k) => calls[k]),
    ).catch((error: Error) => {
      throw new Error(`${name} (item ${positions[0][0] + 1} of ${calls.length}): ${error.message}`, { cause: error });
    });
    positions[0].forEach((k, j) => (outcomes[k] = here[j]));
    for (const [s, { done }] of workers.entries()) {
      const answered = await done;
      positions[s + 1].forEach((k, j) => (outcomes[k] = answered[j]));
    }
  } finally {
    await stopAll();
  }
  return outcomes as TaskOutcome<Awaited<ReturnType<T[N]>>>[];
}

/** A task worker's body: runs the calls it was sent with `table` and posts their outcomes (or the error). */
export async function serveTasks(table: TaskTable): Promise<void> {
  if (isMainThread || !parentPort) throw new Error('serveTasks: runs only in a worker started by runConcurrently');
  const { name, calls } = workerData as TaskRequest;
  const port = parentPort;
  const relaying = calls.map((args, call) =>
    args.map((arg) => {
      if (arg === null || typeof arg !== 'object' || (arg as { onProgress?: unknown }).onProgress !== RELAYED) return arg;
      const onProgress: OnProgress = (progress) => {
        const message: TaskMessage = { progress, call };
        port.postMessage(message);
      };
      return { ...(arg as object), onProgress };
    }),
  );
  let reply: TaskMessage;
  try {
    reply = { outcomes: await runCalls(table[name], relaying) };
  } catch (error) {
    reply = { error: String((error as Error).stack ?? error) };
  }
  try {
    parentPort.postMessage(reply);
  } catch (error) {
    // A result that is not data (a function, a class instance with private state) cannot cross.
    parentPort.postMessage({ error: `its result cannot be sent between threads: ${(error as Error).message}` });
  }
}
