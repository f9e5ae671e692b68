// Builds what each Control Center page shows from the controller's own state: the health source,
// the boxes' watch caches, the reconcile history and the recent Events. Nothing here talks to
// the API server, so an open page adds no load there.
import { stringify } from 'yaml';
import type { BoxConfig } from '../box/operator-box.ts';
import type { KubeObject } from '../kube/object.ts';
import type { BoxHealth, KatalogHealth } from '../observe/server.ts';
import type { BoxHistory } from './history.ts';
import type { RecentEvent } from './recent-events.ts';
import { type ChildCache, renderedChildren } from './rendered-children.ts';
import type {
  BoxQuery,
  BoxRow,
  BoxView,
  ChildView,
  ConditionView,
  OverviewView,
  ReadyState,
  ReplicaView,
  ResourceRow,
  ResourceView,
} from './view-model.ts';

export const PAGE_SIZE = 50;

/** One running box as the views read it. */
export interface UiBox {
  config(): Pick<BoxConfig, 'katalog' | 'name' | 'box'>;
  list(): readonly KubeObject[];
  get(key: string): KubeObject | undefined;
}

export interface UiSource {
  katalogs(): readonly KatalogHealth[];
  box(id: string): UiBox | undefined;
  replica(): ReplicaView;
  history: BoxHistory;
  /** Reconciles in flight in a box now. */
  busy(id: string): number;
  events(uids: Iterable<string>): readonly RecentEvent[];
  /** The child caches the controller holds now. */
  childCaches(): readonly ChildCache[];
}

export function boxId(katalog: string, box: string): string {
  return `${katalog}/${box}`;
}

/** Code-point order: cheaper than localeCompare (no collator) and stable across locales. */
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const TROUBLE: Readonly<Record<string, number>> = { Failed: 0, Degraded: 1, Pending: 2, Blocked: 2 };
const rank = (phase: string) => TROUBLE[phase] ?? 3;

function boxRow(source: UiSource, katalog: string, b: BoxHealth): BoxRow {
  const id = boxId(katalog, b.name);
  return {
    katalog,
    name: b.name,
    phase: b.phase,
    gvk: b.gvk,
    workers: b.workers ?? 0,
    busy: source.busy(id),
    queueDepth: b.queueDepth ?? 0,
    ...source.history.rates(id),
    managed: b.managed ?? 0,
    message: b.message || b.lastError || '',
    replica: b.replica ?? '',
  };
}

export function overviewView(source: UiSource): OverviewView {
  const katalogs = source.katalogs().map((k) => ({
    name: k.name,
    boxes: k.boxes
      .map((b) => boxRow(source, k.name, b))
      .sort((a, b) => rank(a.phase) - rank(b.phase) || byText(a.name, b.name)),
  }));
  const worst = (k: { boxes: readonly BoxRow[] }) => Math.min(3, ...k.boxes.map((b) => rank(b.phase)));
  katalogs.sort((a, b) => worst(a) - worst(b) || byText(a.name, b.name));
  return { kind: 'overview', replica: source.replica(), katalogs };
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

function conditionsOf(obj: KubeObject): Condition[] {
  const list = (obj.status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(list) ? (list as Condition[]) : [];
}

// Cached objects are replaced, never changed, on update: a row computed once per object version
// serves every tick of every open page.
const rows = new WeakMap<KubeObject, ResourceRow>();
function cachedRow(obj: KubeObject): ResourceRow {
  let row = rows.get(obj);
  if (!row) {
    row = resourceRow(obj);
    rows.set(obj, row);
  }
  return row;
}

function resourceRow(obj: KubeObject): ResourceRow {
  const conditions = conditionsOf(obj);
  const ready = conditions.find((c) => c.type === 'Ready');
  const stalled = conditions.find((c) => c.type === 'Stalled')?.status === 'True';
  const state: ReadyState = ready?.status === 'True' ? 'True' : ready?.status === 'False' ? 'False' : 'Unknown';
  return {
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name,
    ready: state,
    stalled,
    reason: ready?.reason ?? '',
    createdAt: obj.metadata.creationTimestamp ?? null,
    readySince: ready?.lastTransitionTime ?? null,
  };
}

function matches(row: ResourceRow, q: BoxQuery): boolean {
  if (q.namespace && row.namespace !== q.namespace) return false;
  if (q.name && !row.name.includes(q.name)) return false;
  if (q.state === 'ready' && row.ready !== 'True') return false;
  if (q.state === 'notready' && row.ready === 'True') return false;
  if (q.state === 'stalled' && !row.stalled) return false;
  return true;
}

function findBox(source: UiSource, katalog: string, box: string): BoxHealth | undefined {
  return source
    .katalogs()
    .find((k) => k.name === katalog)
    ?.boxes.find((b) => b.name === box);
}

// The snippet changes only when the box is reconfigured (a new config object): render it once.
const snippets = new WeakMap<object, string>();
function snippet(box: UiBox, name: string): string {
  const config = box.config().box;
  let text = snippets.get(config);
  if (text === undefined) {
    text = stringify({ crds: { [name]: config } });
    snippets.set(config, text);
  }
  return text;
}

export function boxView(source: UiSource, katalog: string, box: string, q: BoxQuery): BoxView | undefined {
  const health = findBox(source, katalog, box);
  if (!health) return undefined;
  const id = boxId(katalog, box);
  const running = source.box(id);
  const objects = running?.list() ?? [];
  const namespaces = new Set<string>();
  const all: ResourceRow[] = [];
  for (const obj of objects) {
    const row = cachedRow(obj);
    namespaces.add(row.namespace);
    if (matches(row, q)) all.push(row);
  }
  // Not ready first: that is what someone opening a box page is usually after.
  all.sort(
    (a, b) =>
      Number(a.ready === 'True') - Number(b.ready === 'True') ||
      byText(a.namespace, b.namespace) ||
      byText(a.name, b.name),
  );
  const pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
  const page = Math.min(Math.max(0, q.page ?? 0), pages - 1);
  return {
    kind: 'box',
    box: boxRow(source, katalog, health),
    snippet: running ? snippet(running, box) : '',
    chart: source.history.series(id),
    namespaces: [...namespaces].sort(),
    total: objects.length,
    matched: all.length,
    page,
    pageSize: PAGE_SIZE,
    rows: all.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE),
  };
}

interface ChildStatus {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  state: string;
  reason?: string;
}

/**
 * How often each child was recreated or updated, from the reconciler's ChildCreated/ChildUpdated
 * Events, whose messages read "created Kind name; updated Kind name". A custom resource's first
 * children make no Event, so every `created` counted here is a recreation.
 */
export function childChanges(events: readonly RecentEvent[]): Map<string, { created: number; updated: number }> {
  const counts = new Map<string, { created: number; updated: number }>();
  for (const e of events) {
    if (e.reason !== 'ChildCreated' && e.reason !== 'ChildUpdated') continue;
    for (const part of e.message.split('; ')) {
      const m = /^(created|updated) (\S+) (\S+)$/.exec(part);
      if (!m?.[2] || !m[3]) continue;
      const key = `${m[2]} ${m[3]}`;
      const c = counts.get(key) ?? { created: 0, updated: 0 };
      if (m[1] === 'created') c.created++;
      else c.updated++;
      counts.set(key, c);
    }
  }
  return counts;
}

export function resourceView(
  source: UiSource,
  katalog: string,
  box: string,
  namespace: string,
  name: string,
): ResourceView | undefined {
  const health = findBox(source, katalog, box);
  if (!health) return undefined;
  const running = source.box(boxId(katalog, box));
  const obj = running?.get(namespace ? `${namespace}/${name}` : name);
  const status = (obj?.status ?? {}) as Record<string, unknown>;
  const { conditions: _c, children: rawChildren, observedGeneration, ...fields } = status;
  const events = obj?.metadata.uid ? source.events([obj.metadata.uid]) : [];
  const changes = childChanges(events);
  const children: ChildView[] = (Array.isArray(rawChildren) ? (rawChildren as ChildStatus[]) : []).map((c) => ({
    apiVersion: c.apiVersion,
    kind: c.kind,
    name: c.name,
    ...(c.namespace ? { namespace: c.namespace } : {}),
    state: c.state,
    ...(c.reason ? { reason: c.reason } : {}),
    created: changes.get(`${c.kind} ${c.name}`)?.created ?? 0,
    updated: changes.get(`${c.kind} ${c.name}`)?.updated ?? 0,
  }));
  const conditions: ConditionView[] = obj ? conditionsOf(obj) : [];
  return {
    kind: 'resource',
    katalog,
    box,
    gvk: health.gvk,
    namespace,
    name,
    found: obj !== undefined,
    generation: obj?.metadata.generation ?? null,
    observedGeneration: typeof observedGeneration === 'number' ? observedGeneration : null,
    createdAt: obj?.metadata.creationTimestamp ?? null,
    deleting: obj?.metadata.deletionTimestamp !== undefined && obj?.metadata.deletionTimestamp !== null,
    conditions,
    fields: Object.keys(fields).length ? stringify(fields) : '',
    spec: obj?.spec ? stringify(obj.spec) : '',
    children,
    rendered:
      running && obj ? renderedChildren(running.config(), obj, source.childCaches()) : { children: [], problem: '' },
    events: events.map((e) => ({ type: e.type, reason: e.reason, message: e.message, at: e.at })),
  };
}
