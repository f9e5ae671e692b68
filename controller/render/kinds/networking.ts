// services, ingresses (cdk8s-plus-28 constructs) and networkPolicies (cdk8s ApiObject: cdk8s-plus models
// policy peers as constructs and cannot take the entry's free-form NetworkPolicy rules verbatim).

import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { RenderError, WORKLOAD_LABEL } from './model.ts';
import { toInt } from './reader.ts';
import { defineKind, metadataOf } from './synth.ts';

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
const PROTOCOL = { TCP: kplus.Protocol.TCP, UDP: kplus.Protocol.UDP, SCTP: kplus.Protocol.SCTP } as const;
const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer'] as const;
const SERVICE_TYPE = {
  ClusterIP: kplus.ServiceType.CLUSTER_IP,
  NodePort: kplus.ServiceType.NODE_PORT,
  LoadBalancer: kplus.ServiceType.LOAD_BALANCER,
} as const;
const PORT = { min: 1, max: 65535 };

interface ServiceSpec {
  port: number;
  targetPort?: number;
  protocol?: (typeof PROTOCOLS)[number];
  type?: (typeof SERVICE_TYPES)[number];
  selector: Record<string, string>;
}

export const services = defineKind<ServiceSpec>({
  apiVersion: 'v1',
  kind: 'Service',
  via: 'cdk8s-plus-28 Service',
  parse(r, common) {
    const spec: ServiceSpec = {
      port: r.int('port', PORT),
      // Default: the pods of the workload child of the same name. Never the entry's labels.
      selector: r.optStringMap('selector') ?? { [WORKLOAD_LABEL]: common.name },
    };
    const targetPort = r.optInt('targetPort', PORT);
    if (targetPort !== undefined) spec.targetPort = targetPort;
    const protocol = r.optOneOf('protocol', PROTOCOLS);
    if (protocol !== undefined) spec.protocol = protocol;
    const type = r.optOneOf('type', SERVICE_TYPES);
    if (type !== undefined) spec.type = type;
    return spec;
  },
  build(chart, spec, common) {
    const service = new kplus.Service(chart, 'object', {
      metadata: metadataOf(common),
      type: spec.type && SERVICE_TYPE[spec.type],
      ports: [
        {
          port: spec.port,
          targetPort: spec.targetPort,
          protocol: spec.protocol && PROTOCOL[spec.protocol],
        },
      ],
    });
    for (const [key, value] of Object.entries(spec.selector)) service.selectLabel(key, value);
  },
  injected: [
    { path: '/spec/type', value: 'ClusterIP', keep: (s) => s.type !== undefined },
    { path: '/spec/externalIPs', value: [] },
  ],
});

// ---------------------------------------------------------------------------------------------

interface IngressSpec {
  host?: string;
  path: string;
  serviceName: string;
  servicePort: number;
  className?: string;
  tlsSecretName?: string;
}

export const ingresses = defineKind<IngressSpec>({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  via: 'cdk8s-plus-28 Ingress',
  parse(r) {
    const spec: IngressSpec = {
      path: r.optStr('path') ?? '/',
      serviceName: r.str('serviceName'),
      servicePort: r.int('servicePort', PORT),
    };
    if (!spec.path.startsWith('/')) throw new RenderError(r.path('path'), `must begin with "/", got "${spec.path}"`);
    const host = r.optStr('host');
    if (host !== undefined) spec.host = host;
    const className = r.optStr('className');
    if (className !== undefined) spec.className = className;
    const tlsSecretName = r.optStr('tlsSecretName');
    if (tlsSecretName !== undefined) spec.tlsSecretName = tlsSecretName;
    return spec;
  },
  build(chart, spec, common) {
    const ingress = new kplus.Ingress(chart, 'object', { metadata: metadataOf(common), className: spec.className });
    // IngressBackend.fromService reads only the Service's name and ports; the Service is another child (or
    // not Orkestra's at all), so a stand-in with exactly those two members names it.
    const backendService = { name: spec.serviceName, ports: [{ port: spec.servicePort }] } as unknown as kplus.Service;
    // With a path (always: it defaults to "/") this is a rule, never spec.defaultBackend.
    ingress.addRules({
      host: spec.host,
      path: spec.path,
      pathType: kplus.HttpIngressPathType.PREFIX,
      backend: kplus.IngressBackend.fromService(backendService, { port: spec.servicePort }),
    });
    if (spec.tlsSecretName !== undefined) {
      ingress.addTls([
        {
          hosts: spec.host === undefined ? undefined : [spec.host],
          secret: kplus.Secret.fromSecretName(chart, 'tls', spec.tlsSecretName),
        },
      ]);
    }
  },
  injected: [],
});

// ---------------------------------------------------------------------------------------------

const POLICY_TYPES = ['Ingress', 'Egress'] as const;

interface NetworkPolicySpec {
  podSelector?: Record<string, string>;
  policyTypes?: (typeof POLICY_TYPES)[number][];
  ingress?: Record<string, unknown>[];
  egress?: Record<string, unknown>[];
}

/**
 * Rule ports arrive like every rendered value, so "8080" becomes 8080 (a NetworkPolicyPort's port is
 * int-or-string, and a numeric string would be read as a port *name*). Named ports stay strings.
 */
function coerceRulePorts(field: string, rules: Record<string, unknown>[]): void {
  rules.forEach((rule, i) => {
    if (!Array.isArray(rule.ports)) return;
    rule.ports.forEach((port: unknown, j: number) => {
      if (typeof port !== 'object' || port === null) return;
      const p = port as Record<string, unknown>;
      const where = `${field}[${i}].ports[${j}]`;
      if (typeof p.port === 'number' || (typeof p.port === 'string' && /^\s*\d+\s*$/.test(p.port))) {
        p.port = toInt(`${where}.port`, p.port, PORT);
      }
      if (p.endPort !== undefined && p.endPort !== null) p.endPort = toInt(`${where}.endPort`, p.endPort, PORT);
    });
  });
}

export const networkPolicies = defineKind<NetworkPolicySpec>({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  via: 'cdk8s ApiObject',
  parse(r) {
    const spec: NetworkPolicySpec = {};
    const podSelector = r.optStringMap('podSelector');
    if (podSelector) spec.podSelector = podSelector;
    const policyTypes = r.optStringList('policyTypes');
    if (policyTypes) {
      spec.policyTypes = policyTypes.map((t, i) => {
        if (t === 'Ingress' || t === 'Egress') return t;
        throw new RenderError(r.path(`policyTypes[${i}]`), `expected Ingress or Egress, got "${t}"`);
      });
    }
    const ingress = r.optFreeformList('ingress');
    if (ingress) {
      coerceRulePorts(r.path('ingress'), ingress);
      spec.ingress = ingress;
    }
    const egress = r.optFreeformList('egress');
    if (egress) {
      coerceRulePorts(r.path('egress'), egress);
      spec.egress = egress;
    }
    return spec;
  },
  build(chart, spec, common) {
    new ApiObject(chart, 'object', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: metadataOf(common),
      spec: {
        // Required by the API; {} selects every pod in the namespace.
        podSelector:
          spec.podSelector && Object.keys(spec.podSelector).length > 0 ? { matchLabels: spec.podSelector } : {},
        policyTypes: spec.policyTypes,
        ingress: spec.ingress,
        egress: spec.egress,
      },
    });
  },
  injected: [],
});
