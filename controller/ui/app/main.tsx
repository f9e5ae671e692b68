// The Control Center's page shell: header, routing between the three pages (history API, plain
// links so the keyboard and "open in new tab" work), the live stream of the current page's view,
// the theme switch and, when the server wants one, the access token form.
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { boxHref, parseRoute, type Route, streamQuery } from '../page-url.ts';
import type { BoxQuery, View } from '../view-model.ts';
import { BoxPage } from './box-page.tsx';
import { OverviewPage } from './overview-page.tsx';
import { ResourcePage } from './resource-page.tsx';
import { type Connection, openStream } from './stream.ts';
import { applyTheme, storedTheme, storeTheme, type Theme } from './theme.ts';

const TOKEN_KEY = 'orkestra.ui.token';

/**
 * The first page's view, fetched as soon as the bundle runs; the server named it as a preload, so
 * the response is usually there already. Not with a token: the preload carries no Authorization.
 */
let preload: { query: string; view: Promise<View | undefined> } | undefined = (() => {
  if (sessionStorage.getItem(TOKEN_KEY)) return undefined;
  const query = streamQuery(currentRoute());
  const view = fetch(`/api/ui/view?${query}`, { mode: 'cors', credentials: 'same-origin' })
    .then((r) => (r.ok ? (r.json() as Promise<View>) : undefined))
    .catch(() => undefined);
  return { query, view };
})();

/** The preloaded view, once, if it is for this query. */
function takePreloaded(query: string, token: string | undefined): Promise<View | undefined> | undefined {
  const p = preload;
  preload = undefined;
  return p && p.query === query && !token ? p.view : undefined;
}

function currentRoute(): Route {
  return parseRoute(location.pathname, location.search);
}

const CONNECTION_TEXT: Readonly<Record<Connection, string>> = {
  connecting: 'Connecting…',
  live: 'Live',
  offline: 'Reconnecting…',
  unauthorized: 'Token needed',
};

function TokenForm({ onToken }: { onToken: (t: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <form
      class="token-form"
      onSubmit={(e) => {
        e.preventDefault();
        onToken(value.trim());
      }}
    >
      <h1 id="page-title" tabIndex={-1}>
        Access token
      </h1>
      <p>This controller's Control Center needs the bearer token from its --ui-token-file.</p>
      <label>
        Token
        <input type="password" autoComplete="off" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
      </label>
      <button type="submit">Open</button>
    </form>
  );
}

function App() {
  const [route, setRoute] = useState<Route>(currentRoute);
  const [view, setView] = useState<View | undefined>();
  const [connection, setConnection] = useState<Connection>('connecting');
  const [token, setToken] = useState<string | undefined>(() => sessionStorage.getItem(TOKEN_KEY) ?? undefined);
  const [theme, setTheme] = useState<Theme>(storedTheme);
  const navigated = useRef(false);

  useEffect(() => applyTheme(theme), [theme]);

  // Same-origin links navigate in place; modified clicks (new tab, etc.) are left to the browser.
  useEffect(() => {
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest('a');
      if (!a || a.target || a.origin !== location.origin) return;
      e.preventDefault();
      history.pushState(null, '', a.pathname + a.search);
      navigated.current = true;
      setRoute(currentRoute());
    };
    const onPop = () => {
      navigated.current = true;
      setRoute(currentRoute());
    };
    document.addEventListener('click', onClick);
    window.addEventListener('popstate', onPop);
    return () => {
      document.removeEventListener('click', onClick);
      window.removeEventListener('popstate', onPop);
    };
  }, []);

  const query = streamQuery(route);
  useEffect(() => {
    setView(undefined);
    let live = false;
    const preloaded = takePreloaded(query, token);
    void preloaded?.then((v) => {
      if (v && !live) setView(v);
    });
    return openStream(query, token, {
      view: (v) => {
        live = true;
        setView(v);
      },
      connection: setConnection,
    });
  }, [query, token]);

  // After an in-page navigation, move focus to the new page's heading, as a page load would.
  useEffect(() => {
    if (!navigated.current || !view) return;
    navigated.current = false;
    document.getElementById('page-title')?.focus();
  }, [view]);

  const pageName = route.view === 'overview' ? 'Overview' : route.view === 'box' ? `Box ${route.box}` : route.name;
  useEffect(() => {
    document.title = `${pageName} · Orkestra Control Center`;
  }, [pageName]);

  const onQuery = (q: BoxQuery) => {
    if (route.view !== 'box') return;
    history.replaceState(null, '', boxHref(route.katalog, route.box, q));
    setRoute(currentRoute());
  };

  let body: preact.ComponentChildren;
  if (connection === 'unauthorized') {
    body = (
      <TokenForm
        onToken={(t) => {
          sessionStorage.setItem(TOKEN_KEY, t);
          setToken(t);
        }}
      />
    );
  } else if (!view) {
    body = <p aria-busy="true">Loading…</p>;
  } else if (view.kind === 'notfound') {
    body = (
      <>
        <h1 id="page-title" tabIndex={-1}>
          Not found
        </h1>
        <p>{view.message}</p>
        <p>
          <a href="/">Back to the overview</a>
        </p>
      </>
    );
  } else if (view.kind === 'overview') {
    body = <OverviewPage view={view} />;
  } else if (view.kind === 'box' && route.view === 'box') {
    body = <BoxPage view={view} query={route.query} onQuery={onQuery} />;
  } else if (view.kind === 'resource') {
    body = <ResourcePage view={view} />;
  } else {
    body = <p aria-busy="true">Loading…</p>;
  }

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/">
          Orkestra Control Center
        </a>
        <output class={`conn conn-${connection}`} aria-live="polite">
          {CONNECTION_TEXT[connection]}
        </output>
        <button
          type="button"
          class="theme"
          aria-pressed={theme === 'dark'}
          onClick={() => {
            const next = theme === 'dark' ? 'light' : 'dark';
            storeTheme(next);
            setTheme(next);
          }}
        >
          Dark theme
        </button>
      </header>
      <main id="main">{body}</main>
    </>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
