// One Server-Sent Events stream per page, read with fetch rather than EventSource so the bearer
// token can travel in the Authorization header (EventSource cannot send headers). Reconnects on
// its own; the server sends a full view whenever it changes, so nothing is lost in between.
import type { View } from '../view-model.ts';

export type Connection = 'connecting' | 'live' | 'offline' | 'unauthorized';

export interface StreamHandlers {
  view(v: View): void;
  connection(c: Connection): void;
}

const RETRY_MS = 2_000;

export function openStream(query: string, token: string | undefined, on: StreamHandlers): () => void {
  const abort = new AbortController();
  let retry: ReturnType<typeof setTimeout> | undefined;

  const connect = async () => {
    on.connection('connecting');
    try {
      const res = await fetch(`/api/ui/stream?${query}`, {
        headers: token ? { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' } : {},
        signal: abort.signal,
        cache: 'no-store',
      });
      if (res.status === 401) {
        on.connection('unauthorized');
        return;
      }
      if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
      on.connection('live');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += value;
        let end = buffered.indexOf('\n\n');
        while (end >= 0) {
          const message = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          end = buffered.indexOf('\n\n');
          const lines = message.split('\n');
          if (!lines.includes('event: view')) continue;
          const data = lines
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          on.view(JSON.parse(data) as View);
        }
      }
      throw new Error('stream ended');
    } catch {
      if (abort.signal.aborted) return;
      on.connection('offline');
      retry = setTimeout(() => void connect(), RETRY_MS);
    }
  };
  void connect();
  return () => {
    abort.abort();
    if (retry) clearTimeout(retry);
  };
}
