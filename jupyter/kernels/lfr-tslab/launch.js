// Starts this project's tslab kernel. tslab sends on its ZeroMQ sockets without waiting for the
// previous send (or for the socket's bind) to finish; zeromq 6 refuses such a send with EBUSY ("Socket
// is busy writing", "Socket is blocked by a bind or unbind operation") and the kernel dies. Rarely, but
// often enough to fail a report run now and then. Here every send and bind on a socket waits for the
// one before it, so tslab's messages go out in order, one at a time.
'use strict';
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

module.exports = { serialiseSends, TSLAB };

if (require.main === module) {
  serialiseSends(require(require.resolve('zeromq', { paths: [TSLAB] })));
  require(path.join(TSLAB, 'dist', 'main.js')).main();
}
