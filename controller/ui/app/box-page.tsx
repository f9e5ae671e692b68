// One box: its figures, a 15-minute chart, its custom resources (filtered and paged on the
// server, so thousands of them cost one page of rows) and its part of the Katalog.

import { boxHref, resourceHref } from '../page-url.ts';
import type { BoxQuery, BoxView } from '../view-model.ts';
import { Chart } from './chart.tsx';
import { Badge, Crumbs, DataTable, PageTitle } from './components.tsx';
import { age, millis, percent } from './format.ts';

export interface BoxPageProps {
  readonly view: BoxView;
  readonly query: BoxQuery;
  /** Replaces the query (the URL follows). */
  readonly onQuery: (q: BoxQuery) => void;
}

export function BoxPage({ view, query, onQuery }: BoxPageProps) {
  const b = view.box;
  const pages = Math.max(1, Math.ceil(view.matched / view.pageSize));
  const set = (change: Partial<BoxQuery>) => {
    const next: Record<string, unknown> = { ...query, ...change };
    if (!('page' in change)) delete next.page;
    for (const k of Object.keys(next)) if (next[k] === '' || next[k] === undefined) delete next[k];
    onQuery(next as BoxQuery);
  };
  const first = view.matched === 0 ? 0 : view.page * view.pageSize + 1;
  const last = view.page * view.pageSize + view.rows.length;
  return (
    <>
      <Crumbs items={[{ href: '/', label: 'Overview' }, { label: `${b.katalog} / ${b.name}` }]} />
      <PageTitle>
        Box {b.name} <Badge value={b.phase} />
      </PageTitle>
      {b.message && (
        <p class={`callout ${b.phase === 'Failed' ? 'callout-bad' : ''}`} role="status">
          {b.message}
        </p>
      )}
      <dl class="facts">
        <div>
          <dt>Katalog</dt>
          <dd>{b.katalog}</dd>
        </div>
        <div>
          <dt>Kind</dt>
          <dd class="mono">{b.gvk}</dd>
        </div>
        <div>
          <dt>Workers busy / total</dt>
          <dd>
            {b.busy} / {b.workers}
          </dd>
        </div>
        <div>
          <dt>Queue depth</dt>
          <dd>{b.queueDepth}</dd>
        </div>
        <div>
          <dt>Reconciles / min</dt>
          <dd>{b.reconcilesPerMinute}</dd>
        </div>
        <div>
          <dt>Errors</dt>
          <dd>{percent(b.errorRatio)}</dd>
        </div>
        <div>
          <dt>p95 reconcile</dt>
          <dd>{millis(b.p95Ms)}</dd>
        </div>
        <div>
          <dt>Managed</dt>
          <dd>{b.managed}</dd>
        </div>
      </dl>
      <section aria-labelledby="activity">
        <h2 id="activity">Activity</h2>
        <Chart points={view.chart} />
      </section>
      <section aria-labelledby="resources">
        <h2 id="resources">Custom resources</h2>
        <search class="filters">
          <label>
            Namespace
            <select value={query.namespace ?? ''} onChange={(e) => set({ namespace: e.currentTarget.value })}>
              <option value="">All namespaces</option>
              {view.namespaces.map((ns) => (
                <option key={ns} value={ns}>
                  {ns || '(cluster)'}
                </option>
              ))}
            </select>
          </label>
          <label>
            State
            <select
              value={query.state ?? ''}
              onChange={(e) => set({ state: (e.currentTarget.value || undefined) as BoxQuery['state'] })}
            >
              <option value="">Any</option>
              <option value="ready">Ready</option>
              <option value="notready">Not ready</option>
              <option value="stalled">Stalled</option>
            </select>
          </label>
          <label>
            Name contains
            <input type="search" value={query.name ?? ''} onInput={(e) => set({ name: e.currentTarget.value })} />
          </label>
        </search>
        <p aria-live="polite" class="count">
          {view.matched === 0
            ? `No custom resources match (${view.total} in this box).`
            : `Showing ${first}–${last} of ${view.matched}${view.matched !== view.total ? ` (${view.total} in this box)` : ''}.`}
        </p>
        {view.rows.length > 0 && (
          <DataTable
            label={`Custom resources of box ${b.name}`}
            columns={['Namespace', 'Name', 'Ready', 'Reason', 'Age', 'Ready changed']}
          >
            {view.rows.map((r) => (
              <tr key={`${r.namespace}/${r.name}`} data-resource={`${r.namespace}/${r.name}`}>
                <td>{r.namespace || '—'}</td>
                <th scope="row">
                  <a href={resourceHref(b.katalog, b.name, r.namespace, r.name)}>{r.name}</a>
                </th>
                <td>
                  <Badge value={r.ready} />
                  {r.stalled && <Badge value="False" label="Stalled" />}
                </td>
                <td>{r.reason}</td>
                <td>{age(r.createdAt)}</td>
                <td>{r.readySince ? `${age(r.readySince)} ago` : '—'}</td>
              </tr>
            ))}
          </DataTable>
        )}
        {pages > 1 && (
          <nav aria-label="Pages" class="pager">
            <PagerLink href={view.page > 0 ? boxHref(b.katalog, b.name, { ...query, page: view.page - 1 }) : undefined}>
              Previous page
            </PagerLink>
            <span>
              Page {view.page + 1} of {pages}
            </span>
            <PagerLink
              href={view.page + 1 < pages ? boxHref(b.katalog, b.name, { ...query, page: view.page + 1 }) : undefined}
            >
              Next page
            </PagerLink>
          </nav>
        )}
      </section>
      <section aria-labelledby="snippet">
        <h2 id="snippet">Katalog snippet</h2>
        <details>
          <summary>
            Box {b.name} as declared in Katalog {b.katalog}
          </summary>
          <pre class="code">{view.snippet || '(the box is not running, so its configuration is not loaded)'}</pre>
        </details>
      </section>
    </>
  );
}

function PagerLink({ href, children }: { href: string | undefined; children: string }) {
  return href ? <a href={href}>{children}</a> : <span class="disabled">{children}</span>;
}
