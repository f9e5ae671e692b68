// A box page's filters and page number as URL parameters (`ns`, `state`, `q`, `page`): the
// browser writes them into the page URL and the stream query, the server reads them back.
// No imports, so the browser bundle and the Node side share it.
import type { BoxQuery } from './view-model.ts';

const STATES: readonly string[] = ['ready', 'notready', 'stalled'];

/** Reads a query; `get` returns '' for an absent parameter. Unknown values are dropped. */
export function readBoxQuery(get: (key: string) => string): BoxQuery {
  const state = get('state');
  const page = Number.parseInt(get('page'), 10);
  return {
    ...(get('ns') ? { namespace: get('ns') } : {}),
    ...(STATES.includes(state) ? { state: state as BoxQuery['state'] } : {}),
    ...(get('q') ? { name: get('q') } : {}),
    ...(Number.isFinite(page) && page > 0 ? { page } : {}),
  };
}

export function writeBoxQuery(q: BoxQuery, params: URLSearchParams): URLSearchParams {
  if (q.namespace) params.set('ns', q.namespace);
  if (q.state) params.set('state', q.state);
  if (q.name) params.set('q', q.name);
  if (q.page) params.set('page', String(q.page));
  return params;
}
