// The pages and their URLs. Each page's URL is also what the server serves the shell under, so a
// pasted deep link opens the same page.
import type { BoxQuery } from '../view-model.ts';

export type Route =
  | { readonly page: 'overview' }
  | { readonly page: 'box'; readonly katalog: string; readonly box: string; readonly query: BoxQuery }
  | {
      readonly page: 'resource';
      readonly katalog: string;
      readonly box: string;
      readonly namespace: string;
      readonly name: string;
    };

const seg = (s: string) => encodeURIComponent(s);

export function boxHref(katalog: string, box: string, query: BoxQuery = {}): string {
  const params = new URLSearchParams();
  if (query.namespace) params.set('ns', query.namespace);
  if (query.state) params.set('state', query.state);
  if (query.name) params.set('q', query.name);
  if (query.page) params.set('page', String(query.page));
  const qs = params.toString();
  return `/katalogs/${seg(katalog)}/boxes/${seg(box)}${qs ? `?${qs}` : ''}`;
}

export function resourceHref(katalog: string, box: string, namespace: string, name: string): string {
  const base = `/katalogs/${seg(katalog)}/boxes/${seg(box)}`;
  return namespace ? `${base}/namespaces/${seg(namespace)}/${seg(name)}` : `${base}/cluster/${seg(name)}`;
}

export function parseRoute(pathname: string, search: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [k, katalog, b, box, scope, a, c] = parts;
  if (k === 'katalogs' && katalog && b === 'boxes' && box) {
    if (scope === 'namespaces' && a && c) return { page: 'resource', katalog, box, namespace: a, name: c };
    if (scope === 'cluster' && a) return { page: 'resource', katalog, box, namespace: '', name: a };
    const params = new URLSearchParams(search);
    const state = params.get('state');
    const page = Number.parseInt(params.get('page') ?? '', 10);
    return {
      page: 'box',
      katalog,
      box,
      query: {
        ...(params.get('ns') ? { namespace: params.get('ns') ?? '' } : {}),
        ...(state === 'ready' || state === 'notready' || state === 'stalled' ? { state } : {}),
        ...(params.get('q') ? { name: params.get('q') ?? '' } : {}),
        ...(page > 0 ? { page } : {}),
      },
    };
  }
  return { page: 'overview' };
}

/** The stream query for a route: the same parameters the server's view request reads. */
export function streamQuery(r: Route): string {
  const p = new URLSearchParams({ view: r.page });
  if (r.page === 'box') {
    p.set('katalog', r.katalog);
    p.set('box', r.box);
    if (r.query.namespace) p.set('ns', r.query.namespace);
    if (r.query.state) p.set('state', r.query.state);
    if (r.query.name) p.set('q', r.query.name);
    if (r.query.page) p.set('page', String(r.query.page));
  }
  if (r.page === 'resource') {
    p.set('katalog', r.katalog);
    p.set('box', r.box);
    p.set('namespace', r.namespace);
    p.set('name', r.name);
  }
  return p.toString();
}
