// The worker's side of ./pool: run the setup once, report READY, then answer requests until told to
// stop. The worker blocks in Atomics.wait between requests, so it costs no CPU while idle and needs
// no event loop once set up.
import { workerData } from 'worker_threads';
import { CTRL, PoolWorkerData, writeSharedText } from './pool';

/**
 * Serves this worker's requests: `setup` receives the caller's data (see startPool) and returns the
 * body, which reads its inputs from and writes its outputs to the caller's shared buffers.
 */
export async function serveRequests<T>(setup: (data: T) => (() => void) | Promise<() => void>): Promise<void> {
  const { ctrl: ctrlBuffer, error: errorBuffer, data } = workerData as PoolWorkerData<T>;
  const ctrl = new Int32Array(ctrlBuffer);
  const error = new Uint8Array(errorBuffer);
  let body: () => void;
  try {
    body = await setup(data);
  } catch (failure) {
    writeSharedText(error, `failed to start: ${(failure as Error).stack ?? failure}`);
    Atomics.store(ctrl, CTRL.ready, 2);
    Atomics.notify(ctrl, CTRL.ready);
    return;
  }
  Atomics.store(ctrl, CTRL.ready, 1);
  Atomics.notify(ctrl, CTRL.ready);
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, CTRL.request, seen);
    seen = Atomics.load(ctrl, CTRL.request);
    if (seen < 0) return;
    try {
      body();
      Atomics.store(ctrl, CTRL.status, 0);
    } catch (failure) {
      writeSharedText(error, String((failure as Error).stack ?? failure));
      Atomics.store(ctrl, CTRL.status, 1);
    }
    Atomics.store(ctrl, CTRL.done, seen);
    Atomics.notify(ctrl, CTRL.done);
  }
}
