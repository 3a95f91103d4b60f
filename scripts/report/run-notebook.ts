// Executes one notebook without Python or Jupyter, driving tslab's own converter and executor
// (internal modules of the pinned tslab 1.0.22; test/report/runner.test.ts guards them), and writes
// the executed copy. Run by scripts/report.ts, one process per notebook:
//   tsx scripts/report/run-notebook.ts <notebook.ipynb> <executed.ipynb> <status.json>
// Exit status 0 when every cell ran; 1 with the failing cell's source and error on stderr.
import * as fs from 'fs';
import * as path from 'path';
import { formatWithOptions } from 'util';
import { createConverter } from 'tslab/dist/converter';
import { createExecutor, ConverterSet } from 'tslab/dist/executor';
import jupyter = require('tslab/dist/jupyter');
import { DisplayOutput, joinText, Output, readNotebook, RunStatus, splitLines, writeNotebook } from './notebook-format';

const [notebookFile, executedFile, statusFile] = process.argv.slice(2).map((p) => path.resolve(p));
if (!notebookFile || !executedFile || !statusFile) {
  console.error('usage: run-notebook.ts <notebook.ipynb> <executed.ipynb> <status.json>');
  process.exit(2);
}

const LATE_ERROR_GRACE_MS = 300;

const terminalOut = process.stdout.write.bind(process.stdout);
const terminalErr = process.stderr.write.bind(process.stderr);

/** Collects one cell's outputs the way Jupyter stores them. */
class CellOutputs {
  readonly outputs: Output[] = [];
  private readonly displays = new Map<string, DisplayOutput>();

  stream(name: 'stdout' | 'stderr', text: string): void {
    const last = this.outputs[this.outputs.length - 1];
    if (last && last.output_type === 'stream' && last.name === name) {
      last.text = joinText(last.text) + text;
    } else {
      this.outputs.push({ output_type: 'stream', name, text });
    }
  }

  display(message: { data: Record<string, string>; metadata?: Record<string, unknown>; transient?: { display_id?: string } }, update: boolean): void {
    const id = message.transient?.display_id;
    const existing = id ? this.displays.get(id) : undefined;
    if (existing && update) {
      existing.data = message.data;
      return;
    }
    const output: DisplayOutput = { output_type: 'display_data', data: message.data, metadata: message.metadata ?? {} };
    this.outputs.push(output);
    if (id) this.displays.set(id, output);
  }

  /** Jupyter stores text as lists of lines; do that once the cell is done. */
  finalise(): Output[] {
    for (const output of this.outputs) {
      if (output.output_type === 'stream') output.text = splitLines(joinText(output.text));
    }
    return this.outputs;
  }
}

let current = new CellOutputs();
const asyncErrors: string[] = [];
const describe = (error: unknown): string => (error instanceof Error ? error.stack ?? error.message : String(error));
// An error thrown from a timer or an unawaited rejected promise escapes tslab's executor: catch it
// here and fail the notebook instead of losing it.
process.on('uncaughtException', (error) => asyncErrors.push(`uncaught exception: ${describe(error)}`));
process.on('unhandledRejection', (reason) => asyncErrors.push(`unhandled promise rejection: ${describe(reason)}`));

function capture(): void {
  process.stdout.write = ((chunk: string | Uint8Array) => {
    current.stream('stdout', typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    current.stream('stderr', typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stderr.write;
  // tslab's display API writes through this hook (the kernel sets it per request).
  (jupyter as { lastWriteDisplayData: unknown }).lastWriteDisplayData = (message: never, update: boolean) => current.display(message, update);
}

function release(): void {
  process.stdout.write = terminalOut as typeof process.stdout.write;
  process.stderr.write = terminalErr as typeof process.stderr.write;
}

/** Lets pending timers and rejections surface before a cell is declared finished. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function main(): Promise<void> {
  const started = performance.now();
  const notebook = readNotebook(notebookFile);
  const name = path.basename(notebookFile, '.ipynb');
  // tslab compiles cells as files in its cwd: the notebook's folder, as under Jupyter.
  process.chdir(path.dirname(notebookFile));
  let node: ReturnType<typeof createConverter> | undefined;
  let browser: ReturnType<typeof createConverter> | undefined;
  const converters: ConverterSet = {
    get node() {
      return (node ??= createConverter({ isJS: false, isBrowser: false }));
    },
    get browser() {
      return (browser ??= createConverter({ isJS: false, isBrowser: true }));
    },
    close: () => {
      node?.close();
      browser?.close();
    },
  };
  const errorLines: string[] = [];
  const cellConsole = {
    log: (...args: unknown[]) => current.stream('stdout', `${formatWithOptions({ colors: false }, ...args)}\n`),
    error: (...args: unknown[]) => {
      const text = formatWithOptions({ colors: false }, ...args);
      errorLines.push(text);
      current.stream('stderr', `${text}\n`);
    },
  };
  const executor = createExecutor(process.cwd(), converters, cellConsole);

  const status: RunStatus = { notebook: name, ok: true, seconds: 0, peak_rss_mb: 0, cells_run: 0 };
  let count = 0;
  const codeCells = notebook.cells.filter((cell) => cell.cell_type === 'code');
  for (const [index, cell] of notebook.cells.entries()) {
    if (cell.cell_type !== 'code') continue;
    if (!status.ok) {
      cell.outputs = [];
      cell.execution_count = null;
      continue;
    }
    count += 1;
    const cellStart = performance.now();
    current = new CellOutputs();
    errorLines.length = 0;
    capture();
    let ok: boolean;
    try {
      ok = await executor.execute(joinText(cell.source));
      await settle();
    } finally {
      release();
    }
    const escaped = asyncErrors.splice(0);
    if (escaped.length) {
      ok = false;
      for (const text of escaped) {
        errorLines.push(text);
        current.stream('stderr', `${text}\n`);
      }
    }
    if (!ok) {
      const message = errorLines.join('\n') || 'the cell failed without an error message';
      current.outputs.push({ output_type: 'error', ename: 'Error', evalue: message.split('\n')[0], traceback: message.split('\n') });
      status.ok = false;
      status.failed_cell = index;
      status.error = message;
      terminalErr(`\n${name}: cell ${index} (code cell ${count} of ${codeCells.length}) failed.\n--- cell source ---\n${joinText(cell.source)}\n--- error ---\n${message}\n`);
    } else {
      terminalErr(`${name}: code cell ${count}/${codeCells.length} ok (${((performance.now() - cellStart) / 1000).toFixed(1)} s)\n`);
    }
    cell.outputs = current.finalise();
    cell.execution_count = count;
    status.cells_run = count;
  }
  // A timer or promise started by the last cell may still fail after it returned.
  await new Promise((resolve) => setTimeout(resolve, LATE_ERROR_GRACE_MS));
  const late = asyncErrors.splice(0);
  if (status.ok && late.length) {
    status.ok = false;
    status.error = late.join('\n');
    terminalErr(`\n${name}: failed after its last cell:\n${status.error}\n`);
  }
  executor.close();
  status.seconds = (performance.now() - started) / 1000;
  status.peak_rss_mb = process.resourceUsage().maxRSS / 1024;
  writeNotebook(executedFile, notebook);
  fs.writeFileSync(statusFile, `${JSON.stringify(status, null, 2)}\n`);
  // tfjs backends keep handles open; the notebook is done, so leave now.
  process.exit(status.ok ? 0 : 1);
}

main().catch((error) => {
  release();
  terminalErr(`run-notebook: ${describe(error)}\n`);
  process.exit(1);
});
