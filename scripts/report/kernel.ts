// A minimal Jupyter client: starts the project's kernel from its committed kernelspec
// (jupyter/kernels/lfr-tslab/kernel.json, the one Jupyter itself starts) and talks to it over
// ZeroMQ with the Jupyter messaging protocol (v5.3). The report runner executes notebooks through
// it, so a notebook that runs in the report runs under Jupyter too: the same kernel process, module
// loader, working directory and environment.
//
// Wire format of one message: [routing ids…, "<IDS|MSG>", HMAC-SHA256 hex signature, header,
// parent_header, metadata, content], the signature taken over the four JSON frames with the
// connection file's key.
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { ChildProcess, spawn } from 'child_process';
import { createHmac, randomBytes, randomUUID } from 'crypto';
import * as zmq from 'zeromq';

const DELIMITER = Buffer.from('<IDS|MSG>');
const PROTOCOL_VERSION = '5.3';
/** Starts tried before a kernel that keeps finding its ports taken is an error. */
const PORT_ATTEMPTS = 3;

/** The kernel could not bind one of the ports it was given (tslab then prints EADDRINUSE and waits forever). */
class PortInUseError extends Error {}

export interface KernelMessage {
  header: { msg_id: string; msg_type: string; session: string; date?: string; username?: string; version?: string };
  parent_header: { msg_id?: string };
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
}

/** What the kernel published for one execute request, in order. */
export type IopubHandler = (message: KernelMessage) => void;

export interface ExecuteReply {
  status: 'ok' | 'error' | 'abort';
  execution_count?: number;
}

interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
}

/**
 * Ports the OS says are free now; the kernel binds them a moment later, as Jupyter's own clients do.
 * Another process can take one in between (two runners starting kernels at once): the kernel then
 * reports EADDRINUSE and start() tries again with new ports.
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export function readKernelSpec(kernelDir: string): KernelSpec {
  const file = path.join(kernelDir, 'kernel.json');
  const spec = JSON.parse(fs.readFileSync(file, 'utf8')) as KernelSpec;
  if (!Array.isArray(spec.argv) || !spec.argv.includes('{connection_file}')) {
    throw new Error(`${file}: expected an "argv" array containing "{connection_file}"`);
  }
  return spec;
}

export class Kernel {
  private readonly handlers = new Map<string, IopubHandler>();
  private readonly replies = new Map<string, (reply: KernelMessage | Error) => void>();
  private readonly session = randomUUID();
  private exited = false;
  /** Receives iopub messages of requests that have already finished. */
  onUnrouted: IopubHandler | null = null;
  /** What the kernel process itself printed (outside any cell): shown when it dies. */
  processOutput = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly key: string,
    private readonly shell: zmq.Dealer,
    private readonly control: zmq.Dealer,
    private readonly iopub: zmq.Subscriber,
    private readonly connectionDir: string,
  ) {
    child.on('exit', () => {
      this.exited = true;
      for (const reject of this.replies.values()) reject(this.deathNotice());
    });
    child.stdout?.on('data', (chunk) => (this.processOutput += chunk));
    child.stderr?.on('data', (chunk) => (this.processOutput += chunk));
    void this.pump(this.shell, (message) => this.replies.get(message.parent_header.msg_id ?? '')?.(message));
    void this.pump(this.control, (message) => this.replies.get(message.parent_header.msg_id ?? '')?.(message));
    void this.pump(this.iopub, (message) => {
      const handler = this.handlers.get(message.parent_header.msg_id ?? '');
      if (handler) handler(message);
      else if (message.header.msg_type !== 'status') this.onUnrouted?.(message);
    });
  }

  /**
   * Starts the kernel described by `kernelDir`/kernel.json with `cwd` as its working directory (Jupyter
   * uses the notebook's folder) and `env`, and waits until it answers on both shell and iopub.
   */
  static async start(
    kernelDir: string,
    cwd: string,
    env: NodeJS.ProcessEnv,
    startTimeoutMs = 60_000,
    choosePorts: (count: number) => Promise<number[]> = freePorts,
  ): Promise<Kernel> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await Kernel.startOnce(kernelDir, cwd, env, startTimeoutMs, await choosePorts(5));
      } catch (error) {
        if (!(error instanceof PortInUseError) || attempt === PORT_ATTEMPTS) throw error;
      }
    }
  }

  private static async startOnce(kernelDir: string, cwd: string, env: NodeJS.ProcessEnv, startTimeoutMs: number, ports: number[]): Promise<Kernel> {
    const spec = readKernelSpec(kernelDir);
    const [shellPort, iopubPort, stdinPort, controlPort, hbPort] = ports;
    const key = randomBytes(32).toString('hex');
    const connectionDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lfr-kernel-'));
    const connectionFile = path.join(connectionDir, 'kernel.json');
    const connection = {
      transport: 'tcp', ip: '127.0.0.1', key, signature_scheme: 'hmac-sha256',
      shell_port: shellPort, iopub_port: iopubPort, stdin_port: stdinPort, control_port: controlPort, hb_port: hbPort,
    };
    fs.writeFileSync(connectionFile, JSON.stringify(connection), { mode: 0o600 });
    const argv = spec.argv.map((arg) => arg.replace('{resource_dir}', kernelDir).replace('{connection_file}', connectionFile));
    // Jupyter runs "python" from PATH for Python kernels; ours is Node, and the kernel must run on the
    // same Node as the runner.
    const command = argv[0] === 'node' ? process.execPath : argv[0];
    const child = spawn(command, argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });

    // linger 0: requests still queued for a kernel that never answered are dropped on close, so they
    // cannot keep the runner's process alive after a failed start.
    const shell = new zmq.Dealer({ routingId: randomUUID(), linger: 0 });
    const control = new zmq.Dealer({ routingId: randomUUID(), linger: 0 });
    const iopub = new zmq.Subscriber({ linger: 0 });
    iopub.subscribe();
    shell.connect(`tcp://127.0.0.1:${shellPort}`);
    control.connect(`tcp://127.0.0.1:${controlPort}`);
    iopub.connect(`tcp://127.0.0.1:${iopubPort}`);
    const kernel = new Kernel(child, key, shell, control, iopub, connectionDir);
    try {
      await kernel.waitUntilReady(startTimeoutMs);
    } catch (error) {
      await kernel.shutdown();
      throw error;
    }
    return kernel;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.exited;
  }

  private deathNotice(): Error {
    const printed = this.processOutput.trim();
    return new Error(`the kernel process ended (exit code ${this.child.exitCode}, signal ${this.child.signalCode})${printed ? `; it printed:\n${printed}` : ''}`);
  }

  private sign(frames: Buffer[]): string {
    const hmac = createHmac('sha256', this.key);
    for (const frame of frames) hmac.update(frame);
    return hmac.digest('hex');
  }

  private decode(frames: Buffer[]): KernelMessage | null {
    const at = frames.findIndex((frame) => frame.equals(DELIMITER));
    if (at < 0 || frames.length < at + 6) return null;
    const body = frames.slice(at + 2, at + 6);
    if (frames[at + 1].toString() !== this.sign(body)) return null;
    const [header, parent_header, metadata, content] = body.map((frame) => JSON.parse(frame.toString()));
    return { header, parent_header, metadata, content };
  }

  private async pump(socket: zmq.Dealer | zmq.Subscriber, deliver: (message: KernelMessage) => void): Promise<void> {
    try {
      for await (const frames of socket) {
        const message = this.decode(frames as Buffer[]);
        if (message) deliver(message);
      }
    } catch {
      // The socket was closed: nothing more will arrive.
    }
  }

  private async send(socket: zmq.Dealer, msgType: string, content: Record<string, unknown>): Promise<string> {
    const header = { msg_id: randomUUID(), msg_type: msgType, session: this.session, username: 'lfr-report', date: new Date().toISOString(), version: PROTOCOL_VERSION };
    const body = [header, {}, {}, content].map((part) => Buffer.from(JSON.stringify(part)));
    await socket.send([DELIMITER, Buffer.from(this.sign(body)), ...body]);
    return header.msg_id;
  }

  private request(socket: zmq.Dealer, msgType: string, content: Record<string, unknown>, onIopub?: IopubHandler): Promise<KernelMessage> {
    if (this.exited) return Promise.reject(this.deathNotice());
    return new Promise((resolve, reject) => {
      void this.send(socket, msgType, content).then((id) => {
        let reply: KernelMessage | undefined;
        let idle = false;
        const finish = (): void => {
          if (!reply || !idle) return;
          this.replies.delete(id);
          this.handlers.delete(id);
          resolve(reply);
        };
        this.replies.set(id, (message) => {
          if (message instanceof Error) return reject(message);
          reply = message;
          finish();
        });
        // A request is complete when its reply has come and the kernel has published "idle" for it:
        // every output it produced was published before that.
        this.handlers.set(id, (message) => {
          if (message.header.msg_type === 'status' && message.content.execution_state === 'idle') {
            idle = true;
            finish();
          } else if (message.header.msg_type !== 'status') {
            onIopub?.(message);
          }
        });
      }, reject);
    });
  }

  /**
   * ZeroMQ subscribers miss what was published before they joined, so ask for kernel_info until the
   * answer's "idle" arrives on iopub too.
   */
  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) throw this.deathNotice();
      if (this.processOutput.includes('EADDRINUSE')) {
        throw new PortInUseError(`the kernel could not bind one of its ports; it printed:\n${this.processOutput.trim()}`);
      }
      const attempt = this.request(this.shell, 'kernel_info_request', {});
      const answered = await Promise.race([attempt.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000))]);
      if (answered) return;
      const stale = [...this.replies.keys()];
      for (const id of stale) {
        this.replies.delete(id);
        this.handlers.delete(id);
      }
    }
    throw new Error(`the kernel did not answer within ${timeoutMs / 1000} s${this.processOutput.trim() ? `; it printed:\n${this.processOutput.trim()}` : ''}`);
  }

  /** Executes `code` as a cell; `onIopub` sees every stream and display message it produces. */
  async execute(code: string, onIopub: IopubHandler, options: { silent?: boolean } = {}): Promise<ExecuteReply> {
    const reply = await this.request(
      this.shell,
      'execute_request',
      { code, silent: options.silent ?? false, store_history: !options.silent, user_expressions: {}, allow_stdin: false, stop_on_error: true },
      onIopub,
    );
    return reply.content as unknown as ExecuteReply;
  }

  /** Jupyter's default interrupt mode for kernels like tslab: SIGINT to the kernel process. */
  interrupt(): void {
    if (!this.exited) this.child.kill('SIGINT');
  }

  /** Asks the kernel to stop, waits a moment, then kills it; always releases the sockets. */
  async shutdown(graceMs = 2000): Promise<void> {
    if (!this.exited) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      try {
        await Promise.race([this.request(this.control, 'shutdown_request', { restart: false }), new Promise((resolve) => setTimeout(resolve, graceMs))]);
      } catch {
        // Already gone.
      }
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, graceMs))]);
      if (!this.exited) this.child.kill('SIGKILL');
      if (!this.exited) await exited;
    }
    this.kill();
  }

  /** Ends the kernel at once (used on Ctrl-C and time limits, and synchronously on exit). */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
    for (const socket of [this.shell, this.control, this.iopub]) {
      if (!socket.closed) socket.close();
    }
    fs.rmSync(this.connectionDir, { recursive: true, force: true });
  }
}
