// Starts this project's tslab kernel. tslab sends on its ZeroMQ sockets without waiting for the
// previous send (or for the socket's bind) to finish; zeromq 6 refuses such a send with EBUSY ("Socket
// is busy writing", "Socket is blocked by a bind or unbind operation") and the kernel dies. Rarely, but
// often enough to fail a report run now and then. Here every send and bind on a socket waits for the
// one before it, so tslab's messages go out in order, one at a time; and a message signed with another
// key is dropped rather than allowed to kill the kernel (dropForeignMessages).
'use strict';
const crypto = require('crypto');
const path = require('path');

const TSLAB = path.join(__dirname, '..', '..', '..', 'node_modules', 'tslab');

/** Makes send() and bind() of every socket class in `zmq` wait, per socket, for its previous send or bind. */
function serialiseSends(zmq) {
  const pending = new WeakMap();
  const queued = (original) =>
    function (...args) {
      const previous = pending.get(this) || Promise.resolve();
      const next = previous.catch(() => undefined).then(() => original.apply(this, args));
      pending.set(this, next);
      return next;
    };
  for (const name of Object.keys(zmq)) {
    const prototype = typeof zmq[name] === 'function' ? zmq[name].prototype : null;
    if (!prototype) continue;
    for (const method of ['send', 'bind']) {
      // The native base class's methods are read-only: each socket class gets its own wrapper instead.
      if (typeof prototype[method] !== 'function' || prototype[method].serialised) continue;
      const descriptor = Object.getOwnPropertyDescriptor(prototype, method);
      if (descriptor && !descriptor.configurable) continue;
      const wrapped = queued(prototype[method]);
      wrapped.serialised = true;
      Object.defineProperty(prototype, method, { value: wrapped, writable: true, configurable: true });
    }
  }
}

const DELIMITER = Buffer.from('<IDS|MSG>');

/**
 * Makes tslab's server drop a shell or control message whose signature does not verify with this
 * kernel's key, with a line on stderr. tslab throws from an unawaited handler there, and the kernel
 * dies. Such a message comes from another client: two kernels started at about the same time (the
 * tests start several) can be handed the same free port, and the other client's requests, signed
 * with its own key, then reach this kernel. Jupyter's Python kernels drop them the same way.
 */
function dropForeignMessages(jupyter) {
  const prototype = jupyter.ZmqServer.prototype;
  const handle = prototype.handleShellMessage;
  if (typeof handle !== 'function' || handle.dropsForeign) return;
  const wrapped = function (sock, ...frames) {
    const at = frames.findIndex((frame) => DELIMITER.equals(frame));
    const hmac = crypto.createHmac('sha256', this.connInfo.key);
    if (at >= 0) for (const frame of frames.slice(at + 2)) hmac.update(frame);
    if (at < 0 || String(frames[at + 1]) !== hmac.digest('hex')) {
      process.stderr.write("lfr-tslab: dropped a message not signed with this kernel's key (another client on its port)\n");
      return Promise.resolve();
    }
    return handle.call(this, sock, ...frames);
  };
  wrapped.dropsForeign = true;
  prototype.handleShellMessage = wrapped;
}

module.exports = { serialiseSends, dropForeignMessages, TSLAB };

if (require.main === module) {
  serialiseSends(require(require.resolve('zeromq', { paths: [TSLAB] })));
  dropForeignMessages(require(path.join(TSLAB, 'dist', 'jupyter.js')));
  require(path.join(TSLAB, 'dist', 'main.js')).main();
}
