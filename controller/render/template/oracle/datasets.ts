/**
 * Kubernetes-shaped data the oracle corpus renders over. Integers are JSON integers (the Go side
 * decodes them as int64, as the API server does); other numbers are non-integral.
 */
export const DATASETS = {
  cr: {
    apiVersion: 'platform.example.com/v1',
    kind: 'Website',
    metadata: {
      name: 'shop',
      namespace: 'team-a',
      labels: { app: 'shop', tier: 'front', 'app.kubernetes.io/name': 'shop' },
      annotations: { 'example.com/owner': 'team-a', note: 'a: b' },
      generation: 4,
    },
    spec: {
      replicas: 3,
      image: 'nginx:1.25.3',
      version: '1.25.3',
      ports: [80, 443],
      ratio: 1.5,
      weight: -2.75,
      enabled: true,
      disabled: false,
      empty: '',
      zero: 0,
      nothing: null,
      emptyList: [],
      emptyMap: {},
      tags: ['web', 'api', 'cache', 'api'],
      words: 'the quick brown fox jumps over the lazy dog',
      multiline: 'line one\nline two\n',
      path: '/var/lib/data/file.tar.gz',
      url: 'https://user@example.com:8443/a/b?x=1#frag',
      memory: '512Mi',
      numstr: '42',
      hexstr: '0x1F',
      floatstr: '3.75',
      env: [
        { name: 'LOG_LEVEL', value: 'debug' },
        { name: 'PORT', value: '8080' },
      ],
      resources: { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '250m' } },
      config: {
        server: { port: 8080, host: '0.0.0.0', tls: false },
        features: ['a', 'b'],
        'log-level': 'info',
        yes: 'no',
        key10: 1,
        key9: 2,
        timeout: 2.5,
        motd: 'hello\nworld',
        quoted: 'true',
        number: '123',
        colon: 'x: y',
        hash: 'a #b',
        lead: ' space',
        empty: '',
      },
    },
    status: { observedGeneration: 3, conditions: [{ type: 'Ready', status: 'True' }] },
  },
  empty: {},
} as const;

export type DataSetName = keyof typeof DATASETS;
