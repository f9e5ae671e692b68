// One custom resource: conditions, the children Orkestra manages for it (with how often each was
// recreated or corrected), the children its box renders now beside them, the Events Orkestra
// emitted about it, its status fields and spec.

import { boxHref } from '../page-url.ts';
import type { ChildSync, ResourceView } from '../view-model.ts';
import { Badge, Crumbs, DataTable, PageTitle } from './components.tsx';
import { age } from './format.ts';

const SYNC_BADGE: Readonly<Record<ChildSync, string>> = {
  'in sync': 'Ready',
  differs: 'Degraded',
  'not created yet': 'Pending',
};

export function ResourcePage({ view }: { view: ResourceView }) {
  const title = view.namespace ? `${view.namespace}/${view.name}` : view.name;
  const kind = view.gvk.split('/').pop() ?? 'Resource';
  const ready = view.conditions.find((c) => c.type === 'Ready');
  return (
    <>
      <Crumbs
        items={[
          { href: '/', label: 'Overview' },
          { href: boxHref(view.katalog, view.box), label: `${view.katalog} / ${view.box}` },
          { label: title },
        ]}
      />
      <PageTitle>
        {kind} {title}{' '}
        {view.found && (
          <Badge value={ready?.status ?? 'Unknown'} label={ready ? `Ready ${ready.status}` : 'Not reconciled yet'} />
        )}
      </PageTitle>
      {!view.found && (
        <p class="callout" role="status">
          Not in box {view.box}'s cache: it does not exist (any more), or the box does not watch its namespace.
        </p>
      )}
      {view.found && (
        <dl class="facts">
          <div>
            <dt>Kind</dt>
            <dd class="mono">{view.gvk}</dd>
          </div>
          <div>
            <dt>Age</dt>
            <dd>{age(view.createdAt)}</dd>
          </div>
          <div>
            <dt>Generation / observed</dt>
            <dd>
              {view.generation ?? '—'} / {view.observedGeneration ?? '—'}
            </dd>
          </div>
          {view.deleting && (
            <div>
              <dt>Deletion</dt>
              <dd>in progress</dd>
            </div>
          )}
        </dl>
      )}
      <section aria-labelledby="conditions">
        <h2 id="conditions">Conditions</h2>
        {view.conditions.length === 0 ? (
          <p>None yet.</p>
        ) : (
          <DataTable label={'Conditions'} columns={['Type', 'Status', 'Reason', 'Message', 'Changed']}>
            {view.conditions.map((c) => (
              <tr key={c.type}>
                <th scope="row">{c.type}</th>
                <td>
                  <Badge value={c.type === 'Ready' ? c.status : 'Unknown'} label={c.status} />
                </td>
                <td>{c.reason ?? ''}</td>
                <td class="message">{c.message ?? ''}</td>
                <td>{c.lastTransitionTime ? `${age(c.lastTransitionTime)} ago` : '—'}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section aria-labelledby="children">
        <h2 id="children">Children</h2>
        {view.children.length === 0 ? (
          <p>No children reported in status yet.</p>
        ) : (
          <DataTable label={'Children'} columns={['Kind', 'Name', 'State', 'Why not ready', 'Created', 'Corrected']}>
            {view.children.map((c) => (
              <tr key={`${c.kind}/${c.name}`} data-child={`${c.kind}/${c.name}`}>
                <td>{c.kind}</td>
                <th scope="row" class="mono">
                  {c.name}
                </th>
                <td>
                  <Badge value={c.state} />
                </td>
                <td class="message">{c.reason ?? ''}</td>
                <td>{c.created > 0 ? `recreated (${c.created}×)` : c.state === 'Error' ? '—' : 'once'}</td>
                <td>{c.updated ? `${c.updated}×` : '—'}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section aria-labelledby="rendered">
        <h2 id="rendered">Rendered children</h2>
        <p>
          What <code>orkestra render</code> prints for this resource now, from the box's templates and the children in
          the controller's caches, compared with each live child.
        </p>
        {view.rendered.problem ? (
          <p class="callout callout-bad" role="status">
            Cannot render: {view.rendered.problem}
          </p>
        ) : view.rendered.children.length === 0 ? (
          <p>{view.found ? 'The box renders no children for it.' : 'Nothing to render.'}</p>
        ) : (
          <DataTable label={'Rendered children'} columns={['Kind', 'Name', 'Live vs rendered', 'Rendered manifest']}>
            {view.rendered.children.map((c) => (
              <tr key={`${c.kind}/${c.name}`} data-rendered={`${c.kind}/${c.name}`}>
                <td>{c.kind}</td>
                <th scope="row" class="mono">
                  {c.name}
                </th>
                <td class="message">
                  <Badge value={SYNC_BADGE[c.sync]} label={c.sync} />
                  {c.differs.length > 0 && <span class="mono"> {c.differs.join(', ')}</span>}
                </td>
                <td>
                  <details>
                    <summary>
                      YAML
                      <span class="visually-hidden">
                        {' '}
                        of {c.kind} {c.name}
                      </span>
                    </summary>
                    {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1) */}
                    <section class="code manifest" tabIndex={0} aria-label={`Rendered ${c.kind} ${c.name}`}>
                      <pre>{c.manifest}</pre>
                    </section>
                  </details>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section aria-labelledby="events">
        <h2 id="events">Recent Events</h2>
        {view.events.length === 0 ? (
          <p>No Events from Orkestra about this resource since this replica started.</p>
        ) : (
          <DataTable label={'Recent Events'} columns={['When', 'Type', 'Reason', 'Message']}>
            {view.events.map((e, i) => (
              <tr key={`${e.at}-${i}`}>
                <td>{age(e.at)} ago</td>
                <td>
                  <Badge value={e.type === 'Warning' ? 'Degraded' : 'Unknown'} label={e.type} />
                </td>
                <td>{e.reason}</td>
                <td class="message">{e.message}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
      <section aria-labelledby="fields">
        <h2 id="fields">Status fields</h2>
        {view.fields ? <pre class="code">{view.fields}</pre> : <p>None.</p>}
      </section>
      <section aria-labelledby="spec">
        <h2 id="spec">Spec</h2>
        {view.spec ? <pre class="code">{view.spec}</pre> : <p>None.</p>}
      </section>
    </>
  );
}
