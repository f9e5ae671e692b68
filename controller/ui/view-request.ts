// Which view a request or stream asks for, read from its query string. Unknown values fall back
// to defaults rather than failing: the pages build these URLs themselves.
import { readBoxQuery } from './box-query.ts';
import type { ViewRequest } from './view-model.ts';
import { boxView, overviewView, resourceView, type UiSource } from './views.ts';

type Query = Readonly<Record<string, unknown>>;

const text = (q: Query, key: string): string => {
  const v = q[key];
  return typeof v === 'string' ? v.slice(0, 253) : '';
};

export function parseViewRequest(q: Query): ViewRequest {
  const view = text(q, 'view');
  if (view === 'box') {
    return { view, katalog: text(q, 'katalog'), box: text(q, 'box'), query: readBoxQuery((key) => text(q, key)) };
  }
  if (view === 'resource') {
    return {
      view,
      katalog: text(q, 'katalog'),
      box: text(q, 'box'),
      namespace: text(q, 'namespace'),
      name: text(q, 'name'),
    };
  }
  return { view: 'overview' };
}

/** The view as JSON text, so a stream can compare it with what it last sent. */
export function renderView(source: UiSource, r: ViewRequest): string {
  switch (r.view) {
    case 'overview':
      return JSON.stringify(overviewView(source));
    case 'box':
      return JSON.stringify(
        boxView(source, r.katalog, r.box, r.query) ?? {
          kind: 'notfound',
          message: `box "${r.box}" not found in Katalog "${r.katalog}"`,
        },
      );
    case 'resource':
      return JSON.stringify(
        resourceView(source, r.katalog, r.box, r.namespace, r.name) ?? {
          kind: 'notfound',
          message: `box "${r.box}" not found in Katalog "${r.katalog}"`,
        },
      );
  }
}
