import { createServer } from 'node:net';

/**
 * Asks the kernel for a free loopback port. The port is released before the caller binds it, so
 * another process could take it in between; callers retry a start that fails on a taken port.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port assigned'));
      });
    });
  });
}
