import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { createHmac } from 'crypto';
import { projectRoot } from '../../lib/report/paths';

const root = projectRoot();
const kernelDir = path.join(root, 'jupyter', 'kernels', 'lfr-tslab');

test('the committed kernelspec names no absolute path and starts tslab from this project', () => {
  const spec = JSON.parse(fs.readFileSync(path.join(kernelDir, 'kernel.json'), 'utf8'));
  const launcher = spec.argv[1].replace('{resource_dir}', kernelDir);
  assert.ok(fs.existsSync(launcher), `${launcher} does not exist`);
  assert.ok(spec.argv.slice(1).every((arg: string) => !path.isAbsolute(arg) || arg.startsWith('{')), 'argv holds an absolute path');
});

test("the kernel's launcher makes sends wait for the socket's bind and for each other, as tslab assumes", async () => {
  const zmq = await import('zeromq');
  const sendAll = async (socket: InstanceType<typeof zmq.Publisher>) => {
    // Like tslab: bind and many sends started at once, none awaited before the next.
    const attempt = (start: () => Promise<void>): Promise<void> => {
      try {
        return start();
      } catch (error) {
        return Promise.reject(error); // zeromq refuses some sends synchronously
      }
    };
    const started = [attempt(() => socket.bind('tcp://127.0.0.1:*')), ...Array.from({ length: 50 }, () => attempt(() => socket.send(['topic', Buffer.alloc(10_000)])))];
    const outcomes = await Promise.allSettled(started);
    socket.close();
    return outcomes.filter((o) => o.status === 'rejected').length;
  };
  assert.ok((await sendAll(new zmq.Publisher())) > 0, 'plain zeromq accepted every send: the hazard the launcher guards against is gone');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the launcher is plain CommonJS run by the kernelspec
  const { serialiseSends } = require(path.join(kernelDir, 'launch.js'));
  serialiseSends(zmq);
  assert.equal(await sendAll(new zmq.Publisher()), 0);
});

test("the kernel's launcher drops a message signed with another key, which tslab would die of, and passes its own", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the launcher is plain CommonJS run by the kernelspec
  const { dropForeignMessages, TSLAB } = require(path.join(kernelDir, 'launch.js'));
  // The wrapper reads the key where tslab's own handler does.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tslabServer = require(path.join(TSLAB, 'dist', 'jupyter.js')).ZmqServer;
  assert.match(String(tslabServer.prototype.handleShellMessage), /fromRaw\(this\.connInfo\.key/);
  const handled: number[] = [];
  class Server {
    connInfo = { key: 'our key' };
    handleShellMessage(_sock: unknown, ...frames: Buffer[]) {
      handled.push(frames.length);
      return Promise.resolve();
    }
  }
  dropForeignMessages({ ZmqServer: Server });
  const body = ['{"msg_id":"1"}', '{}', '{}', '{"code":"1"}'].map((text) => Buffer.from(text));
  const signed = (key: string) => {
    const hmac = createHmac('sha256', key);
    body.forEach((frame) => hmac.update(frame));
    return [Buffer.from('client'), Buffer.from('<IDS|MSG>'), Buffer.from(hmac.digest('hex')), ...body];
  };
  const server = new Server();
  server.handleShellMessage(null, ...signed('our key'));
  server.handleShellMessage(null, ...signed('another key'));
  server.handleShellMessage(null, ...body);
  assert.deepEqual(handled, [7], 'only the message signed with the kernel key reaches tslab');
});

test('a kernel that finds one of its ports taken is started again on new ports, up to three times', async () => {
  const { Kernel, freePorts } = await import('../../scripts/report/kernel');
  const net = await import('net');
  const occupied = net.createServer();
  await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', () => resolve()));
  // The runner's own free ports, with the shell port replaced by the occupied one for the first `taken` calls.
  let calls = 0;
  const choosePorts = (taken: number) => async (count: number) => {
    const ports = await freePorts(count);
    if (++calls <= taken) ports[0] = (occupied.address() as import('net').AddressInfo).port;
    return ports;
  };
  try {
    // Without noticing the clash, the first start would run out its 60 s and fail rather than try again.
    const kernel = await Kernel.start(kernelDir, root, process.env, 60_000, choosePorts(1));
    assert.ok(kernel.alive);
    await kernel.shutdown();
    assert.equal(calls, 2);
    calls = 0;
    await assert.rejects(Kernel.start(kernelDir, root, process.env, 60_000, choosePorts(3)), /could not bind one of its ports.*EADDRINUSE/s);
    assert.equal(calls, 3);
  } finally {
    occupied.close();
  }
});
