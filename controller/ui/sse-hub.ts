// Server-Sent Events for the Control Center: each open page holds one stream for the view it
// shows. One timer recomputes every stream's view from the controller's caches and sends it only
// when it changed, so idle pages cost a comparison per tick and no API-server request.
import type { ServerResponse } from 'node:http';

export interface SseHub {
  /** Starts streaming `render()` to `res` until the client goes away or the hub closes. */
  open(res: ServerResponse, render: () => string): void;
  size(): number;
  close(): void;
}

export interface SseHubOptions {
  readonly tickMs?: number;
  /** A comment line this often keeps proxies (and `kubectl port-forward`) from timing out. */
  readonly heartbeatMs?: number;
  readonly onError?: (err: unknown) => void;
}

interface Stream {
  readonly res: ServerResponse;
  readonly render: () => string;
  last: string;
}

export function createSseHub(options: SseHubOptions = {}): SseHub {
  const streams = new Set<Stream>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let sinceBeat = 0;
  const tickMs = options.tickMs ?? 1_000;
  const heartbeatTicks = Math.max(1, Math.round((options.heartbeatMs ?? 15_000) / tickMs));

  const push = (s: Stream) => {
    let body: string;
    try {
      body = s.render();
    } catch (err) {
      options.onError?.(err);
      return;
    }
    if (body === s.last) return;
    s.last = body;
    s.res.write(`event: view\ndata: ${body}\n\n`);
  };

  const tick = () => {
    const beat = ++sinceBeat >= heartbeatTicks;
    if (beat) sinceBeat = 0;
    for (const s of streams) {
      push(s);
      if (beat) s.res.write(': keep-alive\n\n');
    }
  };

  return {
    open(res, render) {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.write('retry: 2000\n\n');
      const s: Stream = { res, render, last: '' };
      streams.add(s);
      res.on('close', () => {
        streams.delete(s);
        if (streams.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
        }
      });
      push(s);
      if (!timer) {
        timer = setInterval(tick, tickMs);
        timer.unref();
      }
    },
    size: () => streams.size,
    close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      for (const s of streams) s.res.end();
      streams.clear();
    },
  };
}
