// The pages and their URLs, shared by the browser (links, history, the stream it opens) and the
// server (the page shell's preload of its first view). A pasted deep link opens the same page.
import { readBoxQuery, writeBoxQuery } from './box-query.ts';
import type { BoxQuery, ViewRequest } from './view-model.ts';

/** A page is the view it shows. */
export type Route = ViewRequest;

const seg = (s: string) => encodeURIComponent(s);

export function boxHref(katalog: string, box: string, query: BoxQuery = {}): string {
  const qs = writeBoxQuery(query, new URLSearchParams()).toString();
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
    if (scope === 'namespaces' && a && c) return { view: 'resource', katalog, box, namespace: a, name: c };
    if (scope === 'cluster' && a) return { view: 'resource', katalog, box, namespace: '', name: a };
    const params = new URLSearchParams(search);
    return { view: 'box', katalog, box, query: readBoxQuery((key) => params.get(key) ?? '') };
  }
  return { view: 'overview' };
}

/** The query of a route's view (`/api/ui/view?…`, `/api/ui/stream?…`), as the server reads it. */
export function streamQuery(r: Route): string {
  const p = new URLSearchParams({ view: r.view });
  if (r.view === 'box') {
    p.set('katalog', r.katalog);
    p.set('box', r.box);
    writeBoxQuery(r.query, p);
  }
  if (r.view === 'resource') {
    p.set('katalog', r.katalog);
    p.set('box', r.box);
    p.set('namespace', r.namespace);
    p.set('name', r.name);
  }
  return p.toString();
}
