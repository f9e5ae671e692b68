// Every Katalog with its boxes, troubled boxes first, and this replica's role.
import type { OverviewView } from '../view-model.ts';
import { Badge, PageTitle, TableRegion } from './components.tsx';
import { millis, percent } from './format.ts';
import { boxHref } from './route.ts';

const ROLE_TEXT = {
  leader: 'This replica is the leader: it runs the boxes.',
  standby: 'This replica is a standby: the leader runs the boxes, so none are listed here.',
  single: 'Leader election is off: this replica runs the boxes.',
} as const;

export function OverviewPage({ view }: { view: OverviewView }) {
  const boxes = view.katalogs.flatMap((k) => k.boxes);
  const failing = boxes.filter((b) => b.phase === 'Failed' || b.phase === 'Degraded').length;
  return (
    <>
      <PageTitle>Overview</PageTitle>
      <p class="lede">
        {ROLE_TEXT[view.replica.role]}
        {view.replica.leader ? ` Leader: ${view.replica.leader}.` : ''} {view.katalogs.length} Katalog
        {view.katalogs.length === 1 ? '' : 's'}, {boxes.length} box{boxes.length === 1 ? '' : 'es'}
        {failing ? `, ${failing} failed or degraded` : ''}.
      </p>
      {view.katalogs.length === 0 && <p>No Katalogs yet. Apply one with kubectl and it appears here.</p>}
      {view.katalogs.map((k) => (
        <section key={k.name} aria-labelledby={`katalog-${k.name}`} class="katalog">
          <h2 id={`katalog-${k.name}`}>Katalog {k.name}</h2>
          <TableRegion label={`Boxes of Katalog ${k.name}`}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Box</th>
                  <th scope="col">Phase</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Workers busy / total</th>
                  <th scope="col">Queue</th>
                  <th scope="col">Reconciles / min</th>
                  <th scope="col">Errors</th>
                  <th scope="col">p95</th>
                  <th scope="col">Managed</th>
                  <th scope="col">Message</th>
                </tr>
              </thead>
              <tbody>
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
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        </section>
      ))}
    </>
  );
}
