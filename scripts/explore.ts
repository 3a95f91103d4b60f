// `npm run explore`: the results of the last report as interactive plotly charts, served by
// nodeplotlib on 127.0.0.1 until Ctrl-C.
//   npm run explore -- [--report DIR] [--port N] [--no-open]
// --report: the report folder holding results/ (default report/, where `npm run report` writes);
// --port: default NODEPLOTLIB_PORT, else a free port; --no-open (or CI set, or no display): print the URL only.
import { parseArgs } from 'util';
import { defaultReportDir } from '../lib/report/paths';
import { explorationFigures } from './explore/figures';
import { browserChoice, openBrowser } from './explore/open-browser';
import { readReportResults } from './explore/results';
import { servePlots } from './explore/serve';

// A close that hangs (a client holding a connection open) must not keep Ctrl-C from ending the process.
const CLOSE_TIMEOUT_MS = 3000;

function parsePort(text: string, from: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new Error(`explore: ${from} must be a port number 0…65535 (0: any free port), got "${text}"`);
  }
  return port;
}

function options(argv: string[]): { report: string; port: number; noOpen: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { report: { type: 'string' }, port: { type: 'string' }, 'no-open': { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(`explore: ${(error as Error).message}; usage: npm run explore -- [--report DIR] [--port N] [--no-open]`);
  }
  const envPort = process.env.NODEPLOTLIB_PORT;
  const port = values.port !== undefined ? parsePort(values.port, '--port') : envPort ? parsePort(envPort, 'NODEPLOTLIB_PORT') : 0;
  return { report: values.report ?? defaultReportDir(), port, noOpen: values['no-open'] ?? false };
}

async function main(): Promise<void> {
  const { report, port, noOpen } = options(process.argv.slice(2));
  const { figures, notes } = explorationFigures(readReportResults(report));
  figures.forEach((figure, i) => console.log(`explore: chart ${i + 1}, ${figure.layout.title.text} (from ${figure.source})`));
  for (const note of notes) console.log(`explore: ${note}`);
  if (figures.length === 0) throw new Error(`explore: nothing to plot from ${report}/results (see the notes above)`);

  const server = await servePlots(figures, port);
  console.log(`explore: ${figures.length} charts from ${report}/results at ${server.url} (listening on 127.0.0.1 only; Ctrl-C stops)`);
  if (server.plotly === 'cdn') {
    console.log('explore: the page loads plotly.js from cdn.plot.ly (needs internet);' + ' `npm install plotly.js-dist-min@1.58.4` serves it from here');
  }
  const choice = browserChoice(noOpen, process.env, process.platform);
  if (choice.open) openBrowser(server.url);
  else console.log(`explore: not opening a browser (${choice.reason}); open ${server.url}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => {
      console.error(`explore: the server did not close within ${CLOSE_TIMEOUT_MS} ms; exiting anyway`);
      process.exit(1);
    }, CLOSE_TIMEOUT_MS).unref();
    server.close().then(
      () => {
        console.log(`explore: stopped (${signal})`);
        process.exit(0);
      },
      (error) => {
        console.error(`explore: error while closing the server: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error) => {
  console.error((error as Error).message);
  process.exit(1);
});
