// Serves figure specs through nodeplotlib's web client: plotly.js charts with zoom, hover and legend
// toggling, the page nodeplotlib users know.
//
// Why not nodeplotlib's plot(): in 1.1.2 it calls NestJS `app.listen(port)` with no host, so the
// server listens on every network interface, and it opens a browser through a shell (`xdg-open`)
// unless NODEPLOTLIB_PORT is set; its API changes neither. Its server is a NestJS module
// (ServerModule: static files of the web client, PlotsService holding the plots, and a socket.io
// gateway that sends them to the page on "readplots"), so we start that module ourselves and listen
// on 127.0.0.1 only. Unlike plot(), which shuts its server down when the last page disconnects (so a
// reload finds nothing), this one serves until the process is stopped. Those are internal paths of
// nodeplotlib 1.1.2 (pinned exactly in package.json); test/report/explore.test.ts reads the served
// plots end to end, so an upgrade that moves them fails there.
//
// The page loads plotly.js 1.58.4 from cdn.plot.ly, so without internet its charts stay empty. When
// that same build is installed (npm package plotly.js-dist-min@1.58.4), the page is served with its
// script tag pointing to a copy served here, and the browser needs nothing from outside.
import * as fs from 'fs';
import type { ExploreFigure } from './figures';

export const LOOPBACK = '127.0.0.1';

const PLOTLY_CDN = 'https://cdn.plot.ly/plotly-1.58.4.min.js';
const PLOTLY_LOCAL = '/plotly-1.58.4.min.js';

export interface PlotServer {
  /** http://127.0.0.1:<port>/ */
  url: string;
  port: number;
  /** Where the page takes plotly.js from: this server, or cdn.plot.ly (needs internet). */
  plotly: 'local' | 'cdn';
  /** Closes the HTTP server and the socket.io connections. */
  close(): Promise<void>;
}

/** The bits of Express's request and response used below. */
interface HttpRequest {
  method: string;
  path: string;
}
interface HttpResponse {
  type(kind: string): HttpResponse;
  send(body: string): void;
  sendFile(file: string): void;
}

interface NestApp {
  get(token: unknown): { setBuffer(buffer: unknown): void };
  use(handler: (req: HttpRequest, res: HttpResponse, next: () => void) => void): void;
  listen(port: number, host: string): Promise<unknown>;
  getHttpServer(): { address(): { port: number } };
  close(): Promise<void>;
}

interface Nodeplotlib {
  createApp(): Promise<NestApp>;
  PlotsService: unknown;
  /** rxjs, which nodeplotlib's PlotsService reads its plots from. */
  BehaviorSubject: new (value: unknown) => unknown;
  of: (value: unknown) => unknown;
}

function loadNodeplotlib(): Nodeplotlib {
  try {
    const { NestFactory } = require('@nestjs/core');
    const { ServerModule } = require('nodeplotlib/src/lib/server/server.module');
    const { PlotsService } = require('nodeplotlib/src/lib/server/plots/plots.service');
    const { BehaviorSubject, of } = require('rxjs');
    // Nest's start-up log (a dozen lines per start) would bury the URL; errors and warnings still show.
    return { createApp: () => NestFactory.create(ServerModule, { logger: ['error', 'warn'] }), PlotsService, BehaviorSubject, of };
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    throw new Error(
      `explore: the optional dependency nodeplotlib 1.1.2 (with its NestJS server) could not be loaded (${reason});` +
        ' run `npm install` without --omit=optional',
    );
  }
}

/** nodeplotlib's page with plotly.js taken from this server, or null when plotly.js-dist-min@1.58.4 is not installed. */
function pageWithLocalPlotly(): { page: string; script: string } | null {
  let script: string;
  let page: string;
  try {
    script = require.resolve('plotly.js-dist-min/plotly.min.js');
    if (require('plotly.js-dist-min/package.json').version !== '1.58.4') return null;
    page = fs.readFileSync(require.resolve('nodeplotlib/src/lib/server/web/index.html'), 'utf8');
  } catch {
    return null;
  }
  return page.includes(PLOTLY_CDN) ? { page: page.replace(PLOTLY_CDN, PLOTLY_LOCAL), script } : null;
}

/** Starts the server on 127.0.0.1:`port` (0: a free port the system picks) with `figures` as its plots. */
export async function servePlots(figures: ExploreFigure[], port: number): Promise<PlotServer> {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`servePlots: port must be an integer in 0…65535, got ${port}`);
  const npl = loadNodeplotlib();
  const app = await npl.createApp();
  // The shape nodeplotlib's plot() buffers: one entry per chart, data and layout as observables.
  // (The page itself makes every chart responsive, so no plotly config is sent.)
  const plots = figures.map((figure) => ({ data: npl.of(figure.data), layout: npl.of(figure.layout) }));
  app.get(npl.PlotsService).setBuffer(new npl.BehaviorSubject(plots));
  const local = pageWithLocalPlotly();
  if (local) {
    // Registered before nodeplotlib's static files (added when the app initialises), so it wins for these paths.
    app.use((req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') next();
      else if (req.path === '/' || req.path === '/index.html') res.type('html').send(local.page);
      else if (req.path === PLOTLY_LOCAL) res.sendFile(local.script);
      else next();
    });
  }
  try {
    await app.listen(port, LOOPBACK);
  } catch (error) {
    await app.close();
    throw new Error(`explore: cannot listen on ${LOOPBACK}:${port} (${(error as Error).message})`);
  }
  const actual = app.getHttpServer().address().port;
  return { url: `http://${LOOPBACK}:${actual}/`, port: actual, plotly: local ? 'local' : 'cdn', close: () => app.close() };
}
