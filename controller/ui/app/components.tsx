// Small pieces every page uses.
import type { ComponentChildren } from 'preact';

const PHASE_CLASS: Readonly<Record<string, string>> = {
  Running: 'ok',
  True: 'ok',
  Ready: 'ok',
  Failed: 'bad',
  False: 'bad',
  Error: 'bad',
  Missing: 'bad',
  Degraded: 'warn',
  NotReady: 'warn',
  Pending: 'muted',
  Blocked: 'warn',
  Unknown: 'muted',
};

/** A state as a word in a coloured pill; the word carries the meaning, the colour only helps. */
export function Badge({ value, label }: { value: string; label?: string }) {
  return <span class={`badge badge-${PHASE_CLASS[value] ?? 'muted'}`}>{label ?? value}</span>;
}

/**
 * A table with column headings, in a region that scrolls sideways on a narrow window; the region
 * is focusable so the keyboard can scroll it. `children` are the body rows.
 */
export function DataTable({
  label,
  columns,
  children,
}: {
  label: string;
  columns: readonly string[];
  children: ComponentChildren;
}) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
    <section class="table-wrap" tabIndex={0} aria-label={label}>
      <table>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </section>
  );
}

export function PageTitle({ children }: { children: ComponentChildren }) {
  // tabIndex -1: focus moves here after each navigation, so screen readers announce the page.
  return (
    <h1 id="page-title" tabIndex={-1}>
      {children}
    </h1>
  );
}

export function Crumbs({ items }: { items: readonly { href?: string; label: string }[] }) {
  return (
    <nav aria-label="Breadcrumb" class="crumbs">
      <ol>
        {items.map((c, i) =>
          c.href && i < items.length - 1 ? (
            <li key={c.label}>
              <a href={c.href}>{c.label}</a>
            </li>
          ) : (
            <li key={c.label} aria-current="page">
              {c.label}
            </li>
          ),
        )}
      </ol>
    </nav>
  );
}
