// A loopback TCP proxy between the controller and the API server, so a test can stall the
// network without touching either: `blackhole(true)` holds every byte in both directions (and
// new connections) until it is lifted, the way a stalled link looks to both ends; `resetAll`
// drops every open connection, which forces each watch to reconnect from its last
// resourceVersion.
import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  blackhole(on: boolean): void;
  resetAll(): void;
  close(): Promise<void>;
}

interface Link {
  readonly client: Socket;
  upstream?: Socket;
  /** Bytes held while blackholed, per direction, in order. */
  readonly toUpstream: Buffer[];
  readonly toClient: Buffer[];
}

export function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const links = new Set<Link>();
  let holding = false;

  const open = (link: Link) => {
    const upstream = connect(targetPort, targetHost);
    link.upstream = upstream;
    upstream.on('data', (chunk: Buffer) => {
      if (holding) link.toClient.push(chunk);
      else link.client.write(chunk);
    });
    const end = () => {
      link.client.destroy();
      upstream.destroy();
      links.delete(link);
    };
    upstream.on('error', end);
    upstream.on('close', end);
    for (const chunk of link.toUpstream.splice(0)) upstream.write(chunk);
  };

  const server = createServer((client) => {
    const link: Link = { client, toUpstream: [], toClient: [] };
    links.add(link);
    client.on('data', (chunk: Buffer) => {
      if (holding || !link.upstream) link.toUpstream.push(chunk);
      else link.upstream.write(chunk);
    });
    const end = () => {
      client.destroy();
      link.upstream?.destroy();
      links.delete(link);
    };
    client.on('error', end);
    client.on('close', end);
    if (!holding) open(link);
  });

  const resetAll = () => {
    for (const link of links) {
      link.client.destroy();
      link.upstream?.destroy();
    }
    links.clear();
  };

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address !== 'object') return reject(new Error('proxy: no port assigned'));
      resolve({
        port: address.port,
        blackhole(on) {
          holding = on;
          if (on) return;
          for (const link of links) {
            if (!link.upstream) open(link);
            else for (const chunk of link.toUpstream.splice(0)) link.upstream.write(chunk);
            for (const chunk of link.toClient.splice(0)) link.client.write(chunk);
          }
        },
        resetAll,
        close() {
          resetAll();
          return new Promise<void>((done) => server.close(() => done()));
        },
      });
    });
  });
}
