// Executes one notebook in the project's Jupyter kernel (./kernel.ts) and returns the executed copy
// with its outputs stored as Jupyter stores them, and a status for the report.
//
// Stricter than `jupyter nbconvert --execute` in one way: tslab reports an error thrown from a timer
// or an unawaited rejected promise only as a line on stderr ("UncaughtException: …",
// "UnhandledPromiseRejection: …") and carries on; here such a line fails the notebook.
import { DisplayOutput, joinText, Notebook, Output, RunStatus, splitLines } from './notebook-format';
import { Kernel, KernelMessage } from './kernel';

/** How long to wait after the last cell for an error thrown by something it started. */
const LATE_ERROR_GRACE_MS = 300;
/** After an interrupt, how long the kernel gets to stop the cell before it is killed. */
const INTERRUPT_GRACE_MS = 5_000;
const ESCAPED_ERROR = /^(UncaughtException|UnhandledPromiseRejection):/m;

export interface ExecuteOptions {
  kernelDir: string;
  /** The kernel's working directory: the notebook's folder, as under Jupyter. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeLimitSeconds: number;
  /** A line of progress (a cell's updating text display), for the terminal. */
  onProgress?: (line: string) => void;
  /** One line per finished cell, and the failing cell's source and error. */
  log: (line: string) => void;
  /** Receives the running kernel, so that a signal handler can kill it. */
  onKernel?: (kernel: Kernel | null) => void;
}

/** One cell's outputs, merged the way Jupyter merges them (consecutive stream chunks join). */
class CellOutputs {
  readonly outputs: Output[] = [];
  stderr = '';

  constructor(private readonly displays: Map<string, DisplayOutput>) {}

  stream(name: 'stdout' | 'stderr', text: string): void {
    if (name === 'stderr') this.stderr += text;
    const last = this.outputs[this.outputs.length - 1];
    if (last && last.output_type === 'stream' && last.name === name) last.text = joinText(last.text) + text;
    else this.outputs.push({ output_type: 'stream', name, text });
  }

  add(message: KernelMessage): void {
    const content = message.content as { data?: Record<string, string>; metadata?: Record<string, unknown>; transient?: { display_id?: string } };
    const id = content.transient?.display_id;
    switch (message.header.msg_type) {
      case 'stream':
        this.stream(message.content.name === 'stderr' ? 'stderr' : 'stdout', String(message.content.text));
        return;
      case 'display_data': {
        const output: DisplayOutput = { output_type: 'display_data', data: content.data ?? {}, metadata: content.metadata ?? {} };
        this.outputs.push(output);
        if (id) this.displays.set(id, output);
        return;
      }
      case 'update_display_data': {
        // Jupyter replaces every earlier output with this display id, in whichever cell it is.
        const shown = id ? this.displays.get(id) : undefined;
        if (shown) shown.data = content.data ?? {};
        return;
      }
      case 'execute_result':
        this.outputs.push({ output_type: 'execute_result', data: content.data ?? {}, metadata: content.metadata ?? {}, execution_count: message.content.execution_count as number });
        return;
      case 'error': {
        const { ename, evalue, traceback } = message.content as { ename: string; evalue: string; traceback: string[] };
        this.outputs.push({ output_type: 'error', ename, evalue, traceback });
        return;
      }
      default:
    }
  }

  /** Jupyter stores text as lists of lines. */
  finalise(): Output[] {
    for (const output of this.outputs) {
      if (output.output_type === 'stream') output.text = splitLines(joinText(output.text));
    }
    return this.outputs;
  }
}

function progressText(message: KernelMessage): string | null {
  const type = message.header.msg_type;
  if (type !== 'display_data' && type !== 'update_display_data') return null;
  const content = message.content as { data?: Record<string, string>; transient?: { display_id?: string } };
  const text = content.data?.['text/plain'];
  return content.transient?.display_id && typeof text === 'string' && Object.keys(content.data ?? {}).length === 1 ? text : null;
}

/** Runs `work` against a deadline; on expiry interrupts, then kills the kernel. */
function withTimeLimit<T>(kernel: Kernel, deadline: number, work: Promise<T>): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  let killer: NodeJS.Timeout | undefined;
  const expired = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      kernel.interrupt();
      killer = setTimeout(() => kernel.kill(), INTERRUPT_GRACE_MS);
      resolve('timeout');
    }, Math.max(0, deadline - Date.now()));
  });
  return Promise.race([work, expired]).finally(() => {
    clearTimeout(timer);
    if (killer && !kernel.alive) clearTimeout(killer);
  });
}

export async function executeNotebook(name: string, notebook: Notebook, options: ExecuteOptions): Promise<{ notebook: Notebook; status: RunStatus }> {
  const started = Date.now();
  const deadline = started + options.timeLimitSeconds * 1000;
  const status: RunStatus = { notebook: name, ok: true, seconds: 0, peak_rss_mb: 0, cells_run: 0 };
  const fail = (cellIndex: number | undefined, error: string): void => {
    status.ok = false;
    status.failed_cell = cellIndex;
    status.error = error;
  };
  const displays = new Map<string, DisplayOutput>();
  const codeCells = notebook.cells.filter((cell) => cell.cell_type === 'code');
  for (const cell of codeCells) {
    cell.outputs = [];
    cell.execution_count = null;
  }

  let kernel: Kernel;
  try {
    kernel = await Kernel.start(options.kernelDir, options.cwd, options.env);
  } catch (error) {
    fail(undefined, `${name}: the kernel did not start: ${(error as Error).message}`);
    options.log(status.error ?? '');
    status.seconds = (Date.now() - started) / 1000;
    return { notebook, status };
  }
  options.onKernel?.(kernel);
  try {
    let count = 0;
    // Output published after its cell finished (a timer, a late rejection) belongs to the last cell run.
    let lastOutputs = new CellOutputs(displays);
    kernel.onUnrouted = (message) => lastOutputs.add(message);
    for (const [index, cell] of notebook.cells.entries()) {
      if (cell.cell_type !== 'code') continue;
      count += 1;
      const cellStarted = Date.now();
      const outputs = new CellOutputs(displays);
      lastOutputs = outputs;
      const source = joinText(cell.source);
      const reply = await withTimeLimit(kernel, deadline, kernel.execute(source, (message) => {
        outputs.add(message);
        const line = progressText(message);
        if (line !== null) options.onProgress?.(line);
      })).catch((error: Error) => error);
      cell.outputs = outputs.outputs;
      cell.execution_count = count;
      status.cells_run = count;
      let error: string | null = null;
      if (reply === 'timeout') error = `${name}: exceeded the time limit of ${options.timeLimitSeconds} s in code cell ${count} and was stopped`;
      else if (reply instanceof Error) error = `${name}: ${reply.message}`;
      else if (reply.status !== 'ok') error = outputs.stderr.trim() || `the cell ended with status "${reply.status}" and printed no error`;
      else if (ESCAPED_ERROR.test(outputs.stderr)) error = outputs.stderr.trim();
      if (error !== null) {
        const lines = error.split('\n');
        outputs.outputs.push({ output_type: 'error', ename: 'Error', evalue: lines[0], traceback: lines });
        outputs.finalise();
        fail(index, error);
        options.log(`\n${name}: cell ${index} (code cell ${count} of ${codeCells.length}) failed.\n--- cell source ---\n${source}\n--- error ---\n${error}\n`);
        break;
      }
      outputs.finalise();
      options.log(`${name}: code cell ${count}/${codeCells.length} ok (${((Date.now() - cellStarted) / 1000).toFixed(1)} s)`);
    }
    if (status.ok && kernel.alive) {
      // Something the last cell started may still fail; then read the kernel's peak memory.
      await new Promise((resolve) => setTimeout(resolve, LATE_ERROR_GRACE_MS));
      const probe = new CellOutputs(new Map());
      await kernel.execute('console.log(JSON.stringify({ maxRSS: process.resourceUsage().maxRSS }));', (message) => probe.add(message), { silent: true });
      const late = [lastOutputs.stderr, probe.stderr].find((text) => ESCAPED_ERROR.test(text)) ?? '';
      lastOutputs.finalise();
      if (late) {
        fail(undefined, `${name}: failed after its last cell:\n${late.trim()}`);
        options.log(status.error ?? '');
      }
      const printed = probe.outputs.find((output) => output.output_type === 'stream' && output.name === 'stdout');
      const match = printed && /"maxRSS":(\d+)/.exec(joinText((printed as { text: string }).text));
      if (match) status.peak_rss_mb = Number(match[1]) / 1024;
    }
  } finally {
    options.onKernel?.(null);
    await kernel.shutdown();
  }
  status.seconds = (Date.now() - started) / 1000;
  return { notebook, status };
}
