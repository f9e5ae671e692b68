// The shapes the Control Center's server sends and its front-end renders. Types only, no
// imports, so the browser bundle and the Node side share them.

export type ReplicaRole = 'leader' | 'standby' | 'single' | 'shard';

export interface ReplicaView {
  readonly role: ReplicaRole;
  /** Identity of the leader this replica last saw, with --leader-elect. */
  readonly leader?: string;
  /** This replica's identity, with --shard. */
  readonly identity?: string;
}

export interface BoxRow {
  readonly katalog: string;
  readonly name: string;
  readonly phase: string;
  readonly gvk: string;
  readonly workers: number;
  readonly busy: number;
  readonly queueDepth: number;
  readonly reconcilesPerMinute: number;
  /** 0..1 over the last minute. */
  readonly errorRatio: number;
  readonly p95Ms: number | null;
  readonly managed: number;
  readonly message: string;
  /** With --shard: the replica that runs the box ('' when unknown or not sharded). */
  readonly replica: string;
}

export interface KatalogRow {
  readonly name: string;
  readonly boxes: readonly BoxRow[];
}

export interface OverviewView {
  readonly kind: 'overview';
  readonly replica: ReplicaView;
  /** Katalogs with a failed or degraded box first, then by name. */
  readonly katalogs: readonly KatalogRow[];
}

export type ReadyState = 'True' | 'False' | 'Unknown';

export interface ResourceRow {
  readonly namespace: string;
  readonly name: string;
  readonly ready: ReadyState;
  readonly stalled: boolean;
  readonly reason: string;
  readonly createdAt: string | null;
  /** When the Ready condition last changed, as the last reconcile that moved it saw it. */
  readonly readySince: string | null;
}

export interface ChartPoint {
  readonly t: number;
  readonly reconciles: number;
  readonly errors: number;
  readonly queueDepth: number;
}

export interface BoxQuery {
  readonly namespace?: string;
  readonly state?: 'ready' | 'notready' | 'stalled';
  readonly name?: string;
  /** 0-based. */
  readonly page?: number;
}

export interface BoxView {
  readonly kind: 'box';
  readonly box: BoxRow;
  /** The box's part of its Katalog, as YAML. */
  readonly snippet: string;
  readonly chart: readonly ChartPoint[];
  readonly namespaces: readonly string[];
  readonly total: number;
  readonly matched: number;
  readonly page: number;
  readonly pageSize: number;
  readonly rows: readonly ResourceRow[];
}

export interface ConditionView {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
}

export interface ChildView {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly state: string;
  readonly reason?: string;
  /** Times Orkestra recreated it (its first creation makes no Event), from the Events this replica keeps. */
  readonly created: number;
  /** Times Orkestra updated it back to its template (drift corrections and spec changes). */
  readonly updated: number;
}

/** How a live child compares with what the box renders for it now. */
export type ChildSync = 'in sync' | 'differs' | 'not created yet';

export interface RenderedChildView {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly sync: ChildSync;
  /** Fields of the rendered manifest the live child does not hold as rendered (a few at most). */
  readonly differs: readonly string[];
  /** The rendered manifest as YAML: what `orkestra render` prints for it. */
  readonly manifest: string;
}

export interface RenderedView {
  /** The children the box renders now, in apply order. */
  readonly children: readonly RenderedChildView[];
  /** Why nothing could be rendered (a template error, a denied resource), or ''. */
  readonly problem: string;
}

export interface EventView {
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly at: string;
}

export interface ResourceView {
  readonly kind: 'resource';
  readonly katalog: string;
  readonly box: string;
  readonly gvk: string;
  readonly namespace: string;
  readonly name: string;
  readonly found: boolean;
  readonly generation: number | null;
  readonly observedGeneration: number | null;
  readonly createdAt: string | null;
  readonly deleting: boolean;
  readonly conditions: readonly ConditionView[];
  /** Declarative status fields: status without conditions, children and observedGeneration. */
  readonly fields: string;
  readonly spec: string;
  readonly children: readonly ChildView[];
  /** The children rendered from the box's templates and the cached children, beside the live ones. */
  readonly rendered: RenderedView;
  readonly events: readonly EventView[];
}

export interface NotFoundView {
  readonly kind: 'notfound';
  readonly message: string;
}

export type View = OverviewView | BoxView | ResourceView | NotFoundView;

/** Which view a page shows: the page's route in the browser, the stream's query on the server. */
export type ViewRequest =
  | { readonly view: 'overview' }
  | { readonly view: 'box'; readonly katalog: string; readonly box: string; readonly query: BoxQuery }
  | {
      readonly view: 'resource';
      readonly katalog: string;
      readonly box: string;
      readonly namespace: string;
      readonly name: string;
    };
