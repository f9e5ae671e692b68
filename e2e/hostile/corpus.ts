// The hand-written hostile inputs: documents built to break the loader, the compiler, the
// evaluator or the API server's patience. Each case says what the user sees and the message they
// see, so the offline test (`orkestra validate` and `orkestra render` logic) and the e2e test
// (the real API server and controller) assert the same words.
import { apiTypesOf, configMapBox, customResource, hostileKatalog } from './kinds.ts';

export type Category =
  | 'wrong type in a Katalog'
  | 'wrong type in a custom resource'
  | 'deep nesting'
  | 'huge string'
  | 'template blow-up'
  | 'CEL cost'
  | 'regex backtracking'
  | 'dependency cycle'
  | 'self-reference'
  | 'Unicode name'
  | 'child name too long'
  | 'malformed YAML';

/** Where the user sees the outcome in a cluster. */
export type Sees =
  | 'admission denial' // the API server (its schema, or Orkestra's webhook) rejects the write, naming the field
  | 'Failed box' // the Katalog is stored; its box is Failed with the field in the message
  | 'CR condition'; // the custom resource is stored; its Ready condition is False with the message

export interface Expectation {
  /** The field the message names, as `orkestra validate` prints it ('' for none). */
  readonly field: string;
  readonly message: RegExp;
}

export interface HostileCase {
  readonly name: string;
  readonly category: Category;
  /** A Katalog (for CR cases, the Katalog of the box that operates it). */
  readonly katalog?: Record<string, unknown>;
  /** A custom resource of the typed CRD (kinds.ts). */
  readonly cr?: Record<string, unknown>;
  /** YAML text instead of objects, for attacks on the parser itself (offline only). */
  readonly text?: string;
  readonly sees: Sees | 'validate only';
  /** What the user sees, offline and in the cluster alike. */
  readonly expect: Expectation;
  /** When the offline tools cannot know (only the API server judges names): they accept the case. */
  readonly offline?: 'accepted';
}

const k = (name: string, box: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  hostileKatalog(name, 'Shop', box, extra);
const box = (kind: string, over: Record<string, unknown> = {}) => ({ apiTypes: apiTypesOf(kind), ...over });
const child = (data: Record<string, unknown>) => configMapBox(data);
const rule = (r: Record<string, unknown>) => ({ admission: { validation: { rules: [r] } } });
const nested = (depth: number, leaf: unknown): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = { n: v };
  return v;
};
const MB = 1024 * 1024;

/** The box every CR case below is judged by (kind Probe): each CR trips one of its parts. */
export const PROBE_KIND = 'Probe';
export const probeKatalog = hostileKatalog('hostile-probe', PROBE_KIND, {
  operatorBox: {
    reconcile: {
      onReconcile: {
        configMaps: [
          {
            name: '{{ .metadata.name }}{{ .spec.suffix | default "" }}',
            data: {
              body: '{{ repeat (.spec.repeat | default 1 | int) "x" }}',
              tags: '{{ range .spec.tags }}{{ range $.spec.tags }}.{{ end }}{{ end }}',
              digest:
                '{{ range .spec.labels }}{{ range $.spec.labels }}{{ $j := toJson $.spec.labels }}{{ end }}{{ end }}',
            },
            reconcile: true,
          },
        ],
      },
    },
  },
  admission: {
    validation: {
      rules: [
        { field: 'spec.name', regex: '^(a+)+$', message: 'name must be all a' },
        {
          cel: '!has(self.spec.items) || self.spec.items.all(a, self.spec.items.all(b, self.spec.items.all(c, a + b + c >= 0)))',
          message: 'items must not be negative',
        },
      ],
    },
  },
});
const probe = (name: string, spec: Record<string, unknown>) => customResource(PROBE_KIND, name, 'NAMESPACE', spec);

export const handWritten: readonly HostileCase[] = [
  // Dependency cycles and self-references: the Katalog is stored, the boxes are Failed naming the cycle.
  {
    name: 'two boxes depend on each other',
    category: 'dependency cycle',
    katalog: k('hostile-cycle-2', { dependsOn: ['b'] }, { b: box('ShopB', { dependsOn: ['shop'] }) }),
    sees: 'Failed box',
    expect: { field: 'spec.crds.shop.dependsOn', message: /cycle/ },
  },
  {
    name: 'three boxes in a ring',
    category: 'dependency cycle',
    katalog: k(
      'hostile-cycle-3',
      { dependsOn: ['b'] },
      { b: box('ShopB', { dependsOn: ['c'] }), c: box('ShopC', { dependsOn: ['shop'] }) },
    ),
    sees: 'Failed box',
    expect: { field: 'spec.crds.shop.dependsOn', message: /cycle/ },
  },
  {
    name: 'a box depends on itself',
    category: 'self-reference',
    katalog: k('hostile-self-dep', { dependsOn: ['shop'] }),
    sees: 'admission denial',
    expect: { field: 'spec.crds', message: /a box cannot depend on itself/ },
  },
  {
    name: 'a box depends on a box that does not exist',
    category: 'self-reference',
    katalog: k('hostile-dangling-dep', { dependsOn: ['nowhere'] }),
    sees: 'admission denial',
    expect: { field: 'spec.crds', message: /every dependsOn entry must name a box of this Katalog/ },
  },
  {
    name: 'two boxes of one Katalog operate the same kind',
    category: 'self-reference',
    katalog: k('hostile-same-kind', {}, { twin: box('Shop') }),
    sees: 'admission denial',
    expect: { field: 'spec.crds', message: /two boxes of one Katalog operate the same group and kind/ },
  },
  // Regexes: backtracking-only syntax is refused (RE2), a long pattern too.
  {
    name: 'a regex with a backreference',
    category: 'regex backtracking',
    katalog: k('hostile-regex-backref', rule({ field: 'spec.name', regex: '^(a+)\\1$', message: 'm' })),
    sees: 'Failed box',
    expect: { field: 'spec.crds.shop.admission.validation.rules[0]', message: /invalid regex|regex does not compile/ },
  },
  {
    name: 'a regex with a lookahead',
    category: 'regex backtracking',
    katalog: k('hostile-regex-lookahead', rule({ field: 'spec.name', regex: '^(?=a)a+$', message: 'm' })),
    sees: 'Failed box',
    expect: { field: 'spec.crds.shop.admission.validation.rules[0]', message: /invalid regex|regex does not compile/ },
  },
  {
    name: 'a regex of 2,000 characters',
    category: 'regex backtracking',
    katalog: k('hostile-regex-long', rule({ field: 'spec.name', regex: `(${'a?'.repeat(1000)})`, message: 'm' })),
    sees: 'Failed box',
    expect: { field: 'spec.crds.shop.admission.validation.rules[0]', message: /more than the 1024 allowed/ },
  },
  {
    name: 'a regex in a when condition with nested quantifiers',
    category: 'regex backtracking',
    katalog: k('hostile-regex-when', {
      operatorBox: {
        reconcile: {
          onReconcile: {
            configMaps: [{ name: 'x', data: { a: 'b' }, when: [{ field: 'spec.name', regex: '(a|aa)+(b|\\1)' }] }],
          },
        },
      },
    }),
    sees: 'Failed box',
    expect: {
      field: 'spec.crds.shop.operatorBox.reconcile.onReconcile.configMaps[0].when[0]',
      message: /invalid regex|regex does not compile/,
    },
  },
  // CEL that does not compile or type-check.
  {
    name: 'CEL that does not parse',
    category: 'CEL cost',
    katalog: k('hostile-cel-parse', rule({ cel: 'self.spec.(', message: 'm' })),
    sees: 'Failed box',
    expect: { field: 'spec.crds.shop.admission.validation.rules[0]', message: /CEL|Syntax|parse/i },
  },
  {
    name: 'CEL calling a function that does not exist',
    category: 'CEL cost',
    katalog: k('hostile-cel-type', rule({ cel: 'frobnicate(self) == 2', message: 'm' })),
    sees: 'Failed box',
    expect: { field: 'spec.crds.shop.admission.validation.rules[0]', message: /frobnicate/ },
  },
  // Templates that do not compile: refused functions, unsupported recursion, size and nesting limits.
  {
    name: 'a template calling env',
    category: 'template blow-up',
    katalog: k('hostile-tpl-env', child({ home: '{{ env "HOME" }}' })),
    sees: 'Failed box',
    expect: { field: 'spec.crds.shop.operatorBox.reconcile.onReconcile.configMaps[0].data.home', message: /env/ },
  },
  {
    name: 'a template reading the clock',
    category: 'template blow-up',
    katalog: k('hostile-tpl-now', child({ at: '{{ now }}' })),
    sees: 'Failed box',
    expect: { field: 'spec.crds.shop.operatorBox.reconcile.onReconcile.configMaps[0].data.at', message: /now/ },
  },
  {
    name: 'a template that defines and calls itself',
    category: 'template blow-up',
    katalog: k(
      'hostile-tpl-recursion',
      child({ loop: '{{ define "l" }}{{ template "l" . }}{{ end }}{{ template "l" . }}' }),
    ),
    sees: 'Failed box',
    expect: {
      field: 'spec.crds.shop.operatorBox.reconcile.onReconcile.configMaps[0].data.loop',
      message: /define|template/,
    },
  },
  {
    name: 'a template nested 150 levels deep',
    category: 'deep nesting',
    katalog: k('hostile-tpl-nesting', child({ deep: `${'{{ if true }}'.repeat(150)}x${'{{ end }}'.repeat(150)}` })),
    sees: 'Failed box',
    expect: { field: 'spec.crds.shop.operatorBox.reconcile.onReconcile.configMaps[0].data.deep', message: /nest/ },
  },
  {
    name: 'a template of 100 KiB',
    category: 'huge string',
    katalog: k('hostile-tpl-size', child({ big: `{{ "${'x'.repeat(100 * 1024)}" }}` })),
    sees: 'admission denial',
    expect: { field: 'spec.crds.shop.operatorBox.reconcile.onReconcile.configMaps[0].data.big', message: /Too long/ },
  },
  {
    name: 'a template of 100 KiB in a custom child',
    category: 'huge string',
    katalog: k('hostile-tpl-size-custom', {
      operatorBox: {
        reconcile: {
          onReconcile: {
            custom: [
              {
                apiVersion: 'v1',
                kind: 'ConfigMap',
                metadata: { name: 'big' },
                data: { big: `{{ "${'x'.repeat(100 * 1024)}" }}` },
              },
            ],
          },
        },
      },
    }),
    sees: 'Failed box',
    expect: { field: 'spec.crds.shop.operatorBox.reconcile.onReconcile.custom[0].data.big', message: /byte limit/ },
  },
  {
    name: 'an unterminated template action',
    category: 'template blow-up',
    katalog: k('hostile-tpl-unclosed', child({ x: '{{ .spec.name ' })),
    sees: 'Failed box',
    expect: {
      field: 'spec.crds.shop.operatorBox.reconcile.onReconcile.configMaps[0].data.x',
      message: /unclosed|unexpected|EOF/i,
    },
  },
  // Unicode and names the API server refuses.
  {
    name: 'a box name with Unicode letters',
    category: 'Unicode name',
    katalog: {
      ...hostileKatalog('hostile-unicode-box', 'Shop'),
      spec: { crds: { shöp: { apiTypes: apiTypesOf('Shop') } } },
    },
    sees: 'admission denial',
    expect: { field: 'spec.crds', message: /./ },
  },
  {
    name: 'a Katalog name with Unicode letters',
    category: 'Unicode name',
    katalog: hostileKatalog('hostile-ünïcode', 'Shop', {}),
    sees: 'admission denial',
    expect: { field: 'metadata.name', message: /should match|RFC 1123/ },
  },
  {
    name: 'a kind with Unicode letters',
    category: 'Unicode name',
    katalog: {
      ...hostileKatalog('hostile-unicode-kind', 'Shop'),
      spec: { crds: { shop: { apiTypes: { ...apiTypesOf('Shop'), kind: 'Shöp' } } } },
    },
    sees: 'admission denial',
    expect: { field: 'spec.crds.shop.apiTypes.kind', message: /should match|must match|Invalid value/ },
  },
  // Sizes.
  {
    name: 'a 1 MiB description',
    category: 'huge string',
    katalog: { ...k('hostile-big-description', {}), spec: { description: 'd'.repeat(MB), crds: k('x', {}).spec.crds } },
    sees: 'admission denial',
    expect: { field: 'spec.description', message: /Too long|longer than|at most/ },
  },
  {
    name: 'a custom child nested 300 objects deep',
    category: 'deep nesting',
    katalog: k('hostile-deep-custom', {
      operatorBox: {
        reconcile: {
          onReconcile: {
            custom: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'deep' }, data: nested(300, 'x') }],
          },
        },
      },
    }),
    // Deep but valid: stored, compiled and rendered like any other (no stack overflow).
    sees: 'validate only',
    offline: 'accepted',
    expect: { field: '', message: /^$/ },
  },
  // YAML attacks on the parser of `orkestra validate` (the API server takes JSON from kubectl).
  {
    name: 'a billion-laughs alias bomb',
    category: 'malformed YAML',
    text: [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]`),
    ].join('\n'),
    sees: 'validate only',
    expect: { field: '', message: /alias/i },
  },
  {
    name: 'a flow sequence nested 10,000 deep',
    category: 'deep nesting',
    text: `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
    sees: 'validate only',
    expect: { field: '', message: /./ },
  },
  {
    name: 'a document that is a bare string',
    category: 'malformed YAML',
    text: 'just a string',
    sees: 'validate only',
    expect: { field: '', message: /must be a Kubernetes object/ },
  },
  {
    name: 'duplicate keys',
    category: 'malformed YAML',
    text: 'apiVersion: orkestra.orkspace.io/v1alpha1\nkind: Katalog\nkind: Katalog\n',
    sees: 'validate only',
    expect: { field: '', message: /unique|duplicate/i },
  },
  // Custom resources that trip the probe box: its rules deny at admission (Orkestra's webhook);
  // the ones that pass them are stored and fail at render, which their Ready condition says.
  {
    name: 'a 31-character name against a backtracking-prone regex',
    category: 'regex backtracking',
    katalog: probeKatalog,
    cr: probe('regex-attack', { name: `${'a'.repeat(30)}!` }),
    sees: 'admission denial',
    expect: { field: 'spec.name', message: /name must be all a/ },
  },
  {
    name: 'a 1 MiB name against the same regex',
    category: 'huge string',
    katalog: probeKatalog,
    cr: probe('regex-megabyte', { name: `${'a'.repeat(MB)}!` }),
    sees: 'admission denial',
    expect: { field: 'spec.name', message: /name must be all a/ },
  },
  {
    name: 'a list that makes a CEL rule exceed its cost limit',
    category: 'CEL cost',
    katalog: probeKatalog,
    cr: probe('cel-cost', { items: Array.from({ length: 100 }, (_, i) => i) }),
    sees: 'admission denial',
    expect: { field: '', message: /items must not be negative \(.*cost limit exceeded/ },
  },
  {
    name: 'a repeat count that builds a 100 MB string',
    category: 'template blow-up',
    katalog: probeKatalog,
    cr: probe('repeat-bomb', { repeat: 100_000_000 }),
    sees: 'CR condition',
    expect: { field: '', message: /result larger than 1048576 characters/ },
  },
  {
    name: 'a tag list whose nested range would run 1.2 million iterations',
    category: 'template blow-up',
    katalog: probeKatalog,
    cr: probe('range-bomb', { tags: Array.from({ length: 1100 }, (_, i) => `t${i}`) }),
    sees: 'CR condition',
    expect: {
      field: '',
      message: /configMaps\[0\]\.data\.tags: template .* more than 100000 range iterations/,
    },
  },
  {
    name: 'a label map whose nested range serialises every label on each of its 90,000 iterations',
    category: 'template blow-up',
    katalog: probeKatalog,
    cr: probe('cpu-bomb', { labels: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, `v${i}`])) }),
    sees: 'CR condition',
    expect: {
      field: '',
      message: /configMaps\[0\]\.data\.digest: template .* exceeded its time budget of 100 ms of CPU per render/,
    },
  },
  {
    name: 'a child name of 300 characters',
    category: 'child name too long',
    katalog: probeKatalog,
    cr: probe('long-name', { suffix: `-${'n'.repeat(300)}` }),
    sees: 'CR condition',
    offline: 'accepted',
    expect: { field: 'metadata.name', message: /no more than 253 characters|must be no more than/ },
  },
  {
    name: 'a child name with Unicode letters',
    category: 'Unicode name',
    katalog: probeKatalog,
    cr: probe('unicode-child', { suffix: '-ünï' }),
    sees: 'CR condition',
    offline: 'accepted',
    expect: { field: 'metadata.name', message: /RFC 1123/ },
  },
];
