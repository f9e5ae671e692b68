// Every Katalog with its boxes, troubled boxes first, and this replica's role.

import { boxHref } from '../page-url.ts';
import type { OverviewView } from '../view-model.ts';
import { Badge, DataTable, PageTitle } from './components.tsx';
import { millis, percent } from './format.ts';

const ROLE_TEXT = {
  leader: 'This replica is the leader: it runs the boxes.',
  standby: 'This replica is a standby: the leader runs the boxes, so none are listed here.',
  single: 'Leader election is off: this replica runs the boxes.',
  shard: 'Replicas share the boxes: each runs those whose Lease it holds (column Replica).',
} as const;

export function OverviewPage({ view }: { view: OverviewView }) {
  const boxes = view.katalogs.flatMap((k) => k.boxes);
  const failing = boxes.filter((b) => b.phase === 'Failed' || b.phase === 'Degraded').length;
  return (
    <>
      <PageTitle>Overview</PageTitle>
      <p class="lede">
        {ROLE_TEXT[view.replica.role]}
        {view.replica.identity ? ` This replica: ${view.replica.identity}.` : ''}
        {view.replica.leader ? ` Leader: ${view.replica.leader}.` : ''} {view.katalogs.length} Katalog
        {view.katalogs.length === 1 ? '' : 's'}, {boxes.length} box{boxes.length === 1 ? '' : 'es'}
        {failing ? `, ${failing} failed or degraded` : ''}.
      </p>
      {view.katalogs.length === 0 && <p>No Katalogs yet. Apply one with kubectl and it appears here.</p>}
      {view.katalogs.map((k) => (
        <section key={k.name} aria-labelledby={`katalog-${k.name}`} class="katalog">
          <h2 id={`katalog-${k.name}`}>Katalog {k.name}</h2>
          <DataTable
            label={`Boxes of Katalog ${k.name}`}
            columns={[
              'Box',
              'Phase',
              'Kind',
              'Workers busy / total',
              'Queue',
              'Reconciles / min',
              'Errors',
              'p95',
              'Managed',
              'Message',
              ...(view.replica.role === 'shard' ? ['Replica'] : []),
            ]}
          >
            {k.boxes.map((b) => (
              <tr key={b.name} data-box={b.name}>
                <th scope="row">
                  <a href={boxHref(k.name, b.name)}>{b.name}</a>
                </th>
                <td>
                  <Badge value={b.phase} />
                </td>
                <td class="mono">{b.gvk}</td>
                <td class="num">
                  {b.busy} / {b.workers}
                </td>
                <td class="num">{b.queueDepth}</td>
                <td class="num">{b.reconcilesPerMinute}</td>
                <td class="num">{percent(b.errorRatio)}</td>
                <td class="num">{millis(b.p95Ms)}</td>
                <td class="num">{b.managed}</td>
                <td class="message">{b.message}</td>
                {view.replica.role === 'shard' && <td class="mono">{b.replica}</td>}
              </tr>
            ))}
          </DataTable>
        </section>
      ))}
    </>
  );
}
