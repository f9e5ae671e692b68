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

/** A table that scrolls sideways on a narrow window; focusable so the keyboard can scroll it. */
export function TableRegion({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
    <section class="table-wrap" tabIndex={0} aria-label={label}>
      {children}
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
