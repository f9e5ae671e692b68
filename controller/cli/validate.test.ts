import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { apiTypes, invalidKatalogs, katalog, reconcile } from '../../e2e/fixtures/invalid-katalogs.ts';
import { parseDocuments, readDocuments } from './documents.ts';
import { type Finding, formatFindings } from './findings.ts';
import { palette } from './terminal.ts';
import { validateDocuments } from './validate.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const exampleCrds = readDocuments([`${root}examples/crds`]).map((d) => d.value);
const exampleKatalog = readDocuments([`${root}examples/katalogs/web-platform.yaml`]).map((d) => d.value);

function validateText(text: string, file = 'input.yaml'): Finding[] {
  return validateDocuments({ documents: parseDocuments(file, text), crds: exampleCrds, katalogs: exampleKatalog });
}
const errors = (findings: Finding[]) => findings.filter((f) => f.severity === 'error');

/** One entry of a when list on a Service child of the web box. */
const serviceWhen = (condition: Record<string, unknown>) =>
  reconcile({ onCreate: { services: [{ name: 's', port: 80, when: [condition] }] } });
const deployment = (fields: Record<string, unknown>) =>
  reconcile({ onCreate: { deployments: [{ name: 'web', image: 'nginx:1', ...fields }] } });
const WHEN0 = 'spec.crds.web.operatorBox.reconcile.onCreate.services[0].when[0]';
const DEPLOY0 = 'spec.crds.web.operatorBox.reconcile.onCreate.deployments[0]';

function website(spec: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'demo.orkestra.io/v1alpha1',
    kind: 'Website',
    metadata: { name: 'shop', namespace: 'team-a' },
    spec: { image: 'nginx:1.27', ...spec },
    ...extra,
  };
}

interface Case {
  readonly name: string;
  /** A document, or several (the finding is looked for in the last). */
  readonly docs: readonly unknown[];
  readonly field: string;
  readonly reason: RegExp;
}

// Beyond the API server's corpus: what only the controller's loader catches, Komposers, and
// custom resources against their CRD and their box's admission rules.
const cliCases: Case[] = [
  {
    name: 'template that does not parse',
    docs: [katalog('t1', deployment({ image: '{{ .spec.image ' }))],
    field: `${DEPLOY0}.image`,
    reason: /template/,
  },
  {
    name: 'template calling an unknown function',
    docs: [katalog('t2', deployment({ image: '{{ .spec.image | shout }}' }))],
    field: `${DEPLOY0}.image`,
    reason: /shout/,
  },
  {
    name: 'template calling a non-deterministic function',
    docs: [katalog('t3', deployment({ image: '{{ now }}' }))],
    field: `${DEPLOY0}.image`,
    reason: /now/,
  },
  {
    name: 'CEL that does not parse',
    docs: [katalog('c1', serviceWhen({ cel: 'self.spec.x ==' }))],
    field: WHEN0,
    reason: /CEL does not compile/,
  },
  {
    name: 'CEL calling an unknown function',
    docs: [katalog('c2', serviceWhen({ cel: 'shout(self.spec.x)' }))],
    field: WHEN0,
    reason: /undeclared reference to function 'shout'/,
  },
  {
    name: 'CEL referring to an unknown variable',
    docs: [katalog('c3', serviceWhen({ cel: 'req.spec.x == 1' }))],
    field: WHEN0,
    reason: /undeclared reference to 'req'/,
  },
  {
    name: 'CEL that is not a boolean',
    docs: [katalog('c4', serviceWhen({ cel: "'text'" }))],
    field: WHEN0,
    reason: /must return bool/,
  },
  {
    name: 'field condition without an operator',
    docs: [katalog('o1', serviceWhen({ field: 'spec.x' }))],
    field: WHEN0,
    reason: /needs an operator/,
  },
  {
    name: 'field condition with two operators',
    docs: [katalog('o2', serviceWhen({ field: 'spec.x', equals: 1, gt: 0 }))],
    field: WHEN0,
    reason: /exactly one operator/,
  },
  {
    name: 'unary operator with a value',
    docs: [katalog('o3', serviceWhen({ field: 'spec.x', operator: 'exists', value: 1 }))],
    field: `${WHEN0}.value`,
    reason: /takes no value/,
  },
  {
    name: 'binary operator without a value',
    docs: [katalog('o4', serviceWhen({ field: 'spec.x', operator: 'gt' }))],
    field: `${WHEN0}.value`,
    reason: /needs a value/,
  },
  {
    name: 'between with one bound',
    docs: [katalog('o5', serviceWhen({ field: 'spec.x', between: [1] }))],
    field: WHEN0,
    reason: /between takes a list of two values/,
  },
  {
    name: 'in with a scalar',
    docs: [katalog('o6', serviceWhen({ field: 'spec.x', in: 'a' }))],
    field: WHEN0,
    reason: /in takes a list/,
  },
  {
    name: 'regex that does not compile',
    docs: [katalog('o7', serviceWhen({ field: 'spec.x', regex: '(' }))],
    field: WHEN0,
    reason: /invalid regex/,
  },
  {
    name: 'mutation rule with both default and value',
    docs: [katalog('m1', { admission: { mutation: { rules: [{ field: 'spec.port', default: 1, value: 2 }] } } })],
    field: 'spec.crds.web.admission.mutation.rules[0]',
    reason: /exactly one of default or value/,
  },
  {
    name: 'custom child with a templated kind',
    docs: [
      katalog(
        'k1',
        reconcile({ onCreate: { custom: [{ apiVersion: '{{ .spec.v }}', kind: 'Thing', metadata: { name: 'x' } }] } }),
      ),
    ],
    field: 'spec.crds.web.operatorBox.reconcile.onCreate.custom[0]',
    reason: /literal apiVersion and kind/,
  },
  {
    name: 'dependency cycle between two boxes',
    docs: [
      katalog(
        'cy',
        { dependsOn: ['db'] },
        { db: { ...apiTypes({ kind: 'Database', plural: 'databases' }), dependsOn: ['web'] } },
      ),
    ],
    field: 'spec.crds.db.dependsOn',
    reason: /dependency cycle/,
  },
  {
    name: 'two Katalogs operating one kind',
    docs: [katalog('first', {}), katalog('second', {})],
    field: 'spec.crds.web.apiTypes',
    reason: /already operated by box web of Katalog first/,
  },
  {
    name: 'plural that differs from the CRD',
    docs: [katalog('pl', apiTypes({ plural: 'webs' }))],
    field: 'spec.crds.web.apiTypes.plural',
    reason: /does not match the CRD's plural websites/,
  },
  {
    name: 'too many Katalog finalizers',
    docs: [
      {
        ...katalog('f1', {}),
        spec: { ...katalog('f1', {}).spec, finalizers: Array.from({ length: 17 }, (_, i) => `x.io/f${i}`) },
      },
    ],
    field: 'spec.finalizers',
    reason: /at most 16/,
  },
  {
    name: 'finalizer that is not a qualified name',
    docs: [{ ...katalog('f2', {}), spec: { ...katalog('f2', {}).spec, finalizers: ['not a finalizer'] } }],
    field: 'spec.finalizers[0]',
    reason: /should match/,
  },
  {
    name: 'onDelete outside the enum',
    docs: [{ ...katalog('d1', {}), spec: { ...katalog('d1', {}).spec, onDelete: 'Cascade' } }],
    field: 'spec.onDelete',
    reason: /Unsupported value: "Cascade"/,
  },
  {
    name: 'Katalog without spec',
    docs: [{ apiVersion: 'orkestra.orkspace.io/v1alpha1', kind: 'Katalog', metadata: { name: 'empty' } }],
    field: 'spec',
    reason: /Required value/,
  },
  {
    name: 'unknown field in spec',
    docs: [{ ...katalog('u1', {}), spec: { ...katalog('u1', {}).spec, crdz: {} } }],
    field: 'spec.crdz',
    reason: /field not declared in schema/,
  },
  {
    name: 'kind that is not capitalised',
    docs: [katalog('k2', apiTypes({ kind: 'website' }))],
    field: 'spec.crds.web.apiTypes.kind',
    reason: /should match/,
  },
  {
    name: 'group without a dot',
    docs: [katalog('g1', apiTypes({ group: 'demo' }))],
    field: 'spec.crds.web.apiTypes.group',
    reason: /should match/,
  },
  {
    name: 'Katalog name that is not a DNS label',
    docs: [katalog('Web_Platform', {})],
    field: 'metadata.name',
    reason: /should match/,
  },
  {
    name: 'status field path with a dash',
    docs: [katalog('s1', { operatorBox: { emit: { status: { fields: [{ path: 'my-url', value: 'x' }] } } } })],
    field: 'spec.crds.web.operatorBox.emit.status.fields[0].path',
    reason: /should match/,
  },
  {
    name: 'PodDisruptionBudget with both bounds',
    docs: [
      katalog(
        'p1',
        reconcile({ onCreate: { pdb: [{ name: 'p', minAvailable: 1, maxUnavailable: 1, selector: {} }] } }),
      ),
    ],
    field: 'spec.crds.web.operatorBox.reconcile.onCreate.pdb[0]',
    reason: /exactly one of minAvailable or maxUnavailable/,
  },
  {
    name: 'conversion whose storageVersion is in no path',
    docs: [
      katalog('cv', {
        admission: { conversion: { storageVersion: 'v2', paths: [{ from: 'v1', to: 'v1beta1', spec: {} }] } },
      }),
    ],
    field: 'spec.crds.web.admission.conversion',
    reason: /storageVersion must appear/,
  },
  {
    name: 'webhook timeout above 30 seconds',
    docs: [katalog('wh', { admission: { webhooks: { timeoutSeconds: 31 } } })],
    field: 'spec.crds.web.admission.webhooks.timeoutSeconds',
    reason: /less than or equal to 30/,
  },
  {
    name: 'Komposer without imports',
    docs: [{ apiVersion: 'orkestra.orkspace.io/v1alpha1', kind: 'Komposer', metadata: { name: 'k' }, spec: {} }],
    field: 'spec.imports',
    reason: /Required value/,
  },
  {
    name: 'Komposer importing a malformed OCI reference',
    docs: [
      {
        apiVersion: 'orkestra.orkspace.io/v1alpha1',
        kind: 'Komposer',
        metadata: { name: 'k' },
        spec: { imports: { oci: [{ ref: 'Not A Ref' }] } },
      },
    ],
    field: 'spec.imports.oci[0].ref',
    reason: /should match/,
  },
  {
    name: 'Komposer override naming a box badly',
    docs: [
      {
        apiVersion: 'orkestra.orkspace.io/v1alpha1',
        kind: 'Komposer',
        metadata: { name: 'k' },
        spec: { imports: { katalogs: ['web-platform'] }, crds: { Web: { enabled: false } } },
      },
    ],
    field: 'spec.crds',
    reason: /box names must be lowercase RFC 1123 labels/,
  },
  {
    name: 'upstream file-format apiVersion',
    docs: [{ apiVersion: 'orkestra.orkspace.io/v1', kind: 'Katalog', metadata: { name: 'up' }, spec: {} }],
    field: 'apiVersion',
    reason: /orkestra convert/,
  },
  {
    name: 'document without kind',
    docs: [{ apiVersion: 'v1', metadata: { name: 'x' } }],
    field: 'kind',
    reason: /Required value/,
  },
  {
    name: 'custom resource with a string where the CRD wants an integer',
    docs: [website({ replicas: 'two' })],
    field: 'spec.replicas',
    reason: /must be of type integer/,
  },
  {
    name: 'custom resource with a field its CRD does not declare',
    docs: [website({ replica: 2 })],
    field: 'spec.replica',
    reason: /field not declared in schema/,
  },
  {
    name: 'custom resource above its CRD maximum',
    docs: [website({ port: 70000 })],
    field: 'spec.port',
    reason: /less than or equal to 65535/,
  },
  {
    name: "custom resource denied by its box's admission rule",
    docs: [website({ replicas: 11 })],
    field: 'spec.replicas',
    reason: /denied by box website: at most 10 replicas/,
  },
  {
    name: 'custom resource of a version its CRD does not serve',
    docs: [{ ...website({}), apiVersion: 'demo.orkestra.io/v9' }],
    field: 'apiVersion',
    reason: /does not serve version v9/,
  },
];

const apiServerCases: Case[] = invalidKatalogs.map((c) => ({
  name: `API server corpus: ${c.name}`,
  docs: [c.doc],
  // The API server names map keys either way; the CLI always writes them dotted.
  field: c.field,
  reason: c.reason,
}));

describe('orkestra validate: every invalid document names its field', () => {
  const cases = [...apiServerCases, ...cliCases];
  test('the table has at least 40 invalid documents', () => {
    assert.ok(cases.length >= 40, `${cases.length} cases`);
  });
  for (const c of cases) {
    test(c.name, () => {
      const text = c.docs.map((d) => stringify(d)).join('---\n');
      const findings = errors(validateText(text)).filter((f) => f.document === c.docs.length - 1);
      const hit = findings.find((f) => f.field === c.field && c.reason.test(f.message));
      assert.ok(
        hit,
        `expected ${c.field} ~ ${c.reason}, got:\n${findings.map((f) => `${f.field}: ${f.message}`).join('\n')}`,
      );
    });
  }
});

describe('orkestra validate: positions, documents and formats', () => {
  const text = [
    'apiVersion: orkestra.orkspace.io/v1alpha1',
    'kind: Katalog',
    'metadata: { name: ok }',
    'spec:',
    '  crds:',
    '    web:',
    '      apiTypes: { group: demo.orkestra.io, version: v1alpha1, kind: Website }',
    '---',
    'apiVersion: orkestra.orkspace.io/v1alpha1',
    'kind: Katalog',
    'metadata: { name: bad }',
    'spec:',
    '  crds:',
    '    db:',
    '      apiTypes: { group: demo.orkestra.io, version: v1alpha1, kind: Database }',
    '      operatorBox:',
    '        reconcile:',
    '          workers: 99',
  ].join('\n');

  test('a finding carries file, document index and the line:column of the field', () => {
    const [f, ...rest] = validateText(text, 'k.yaml');
    assert.equal(rest.length, 0);
    assert.deepEqual(
      { file: f?.file, document: f?.document, field: f?.field, line: f?.line, column: f?.column },
      { file: 'k.yaml', document: 1, field: 'spec.crds.db.operatorBox.reconcile.workers', line: 18, column: 11 },
    );
  });

  test('a missing field points at its parent key; flow mappings are located too', () => {
    const findings = validateText(
      'apiVersion: orkestra.orkspace.io/v1alpha1\nkind: Katalog\nmetadata:\n  name: x\nspec:\n  crds:\n    web: { apiTypes: { group: demo.orkestra.io, kind: Website } }\n',
    );
    const f = findings.find((x) => x.field === 'spec.crds.web.apiTypes.version');
    assert.deepEqual([f?.line, f?.column], [7, 12]);
  });

  test('YAML syntax errors are findings with their position', () => {
    const findings = validateText('a: 1\nb: [1, 2\nc: 3\n');
    assert.deepEqual(
      findings.map((f) => [f.severity, f.line, f.column, f.message]),
      [['error', 3, 1, 'YAML: Flow sequence in block collection must be sufficiently indented and end with a ]']],
    );
  });

  test('-o github prints workflow annotations; -o json the findings', () => {
    const findings = validateText(text, 'dir/k.yaml');
    const github = formatFindings(findings, 'github', palette(false));
    assert.equal(
      github,
      '::error file=dir/k.yaml,line=18,col=11,title=orkestra validate (document 1)::spec.crds.db.operatorBox.reconcile.workers: Invalid value: 99: should be less than or equal to 50\n',
    );
    assert.deepEqual(JSON.parse(formatFindings(findings, 'json', palette(false))), findings);
    const ESC = String.fromCharCode(27);
    assert.ok(!formatFindings(findings, 'text', palette(false)).includes(ESC));
    assert.ok(formatFindings(findings, 'text', palette(true)).includes(`${ESC}[31merror`));
  });
});

describe('orkestra validate: the examples', () => {
  test('examples/ (Katalog, CRDs and custom resources) validate clean', () => {
    // The two hook Katalogs are alternatives for one kind (apply one of them): each is checked
    // beside everything else, not beside the other.
    const hooks = `${root}examples/hooks/`;
    const rest = readdirSync(`${root}examples`)
      .filter((d) => d !== 'hooks')
      .map((d) => `${root}examples/${d}`);
    const shared = [...rest, `${hooks}greetings.demo.orkestra.io.yaml`, `${hooks}greeting.yaml`];
    for (const alternative of ['katalog-typed.yaml', 'katalog-remote.yaml']) {
      const documents = readDocuments([...shared, `${hooks}${alternative}`]);
      assert.deepEqual(validateDocuments({ documents, crds: [], katalogs: [] }), [], alternative);
    }
  });

  test('the example Katalog with one workers out of range is caught (the examples test can fail)', () => {
    const text = readFileSync(`${root}examples/katalogs/web-platform.yaml`, 'utf8').replace('workers: 2', 'workers: 0');
    const [f] = validateText(text);
    assert.equal(f?.field, 'spec.crds.website.operatorBox.reconcile.workers');
  });

  test('100 Katalogs validate clean (the time it takes is printed)', () => {
    const one = parse(readFileSync(`${root}examples/katalogs/web-platform.yaml`, 'utf8'));
    const text = Array.from({ length: 100 }, (_, i) => {
      const k = structuredClone(one);
      k.metadata.name = `platform-${i}`;
      // Distinct kinds, so the Katalogs do not claim each other's.
      k.spec.crds.database.apiTypes.group = `g${i}.demo.orkestra.io`;
      k.spec.crds.website.apiTypes.group = `g${i}.demo.orkestra.io`;
      return stringify(k);
    }).join('---\n');
    // CPU time of this process, parsing included: wall time on a shared machine measures the neighbours.
    const cpu = process.cpuUsage();
    const started = performance.now();
    const findings = validateDocuments({ documents: parseDocuments('many.yaml', text), crds: [], katalogs: [] });
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const ms = (used.user + used.system) / 1000;
    process.stdout.write(`# validating 100 Katalogs: ${ms.toFixed(0)} ms CPU, ${wall.toFixed(0)} ms wall\n`);
    assert.deepEqual(findings, []);
  });
});
