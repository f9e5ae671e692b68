// roles (cdk8s ApiObject: cdk8s-plus-28's Role splits every rule into one rule per resource, and takes one
// API group per resource) and roleBindings (cdk8s-plus-28 RoleBinding).

import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { RenderError } from './model.ts';
import type { FieldReader } from './reader.ts';
import { defineKind, metadataOf } from './synth.ts';

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

function nonEmptyList(r: FieldReader, field: string): string[] {
  const list = r.stringList(field);
  if (list.length === 0) throw new RenderError(r.path(field), 'must list at least one value');
  return list;
}

export const roles = defineKind<{ rules: PolicyRule[] }>({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  via: 'cdk8s ApiObject',
  parse(r) {
    const rules = (r.objects('rules', true) ?? []).map((rule) => {
      // The API requires at least one group per resource rule; "" (core) when the entry names none.
      const apiGroups = rule.optStringList('apiGroups');
      const out: PolicyRule = {
        apiGroups: apiGroups && apiGroups.length > 0 ? apiGroups : [''],
        resources: nonEmptyList(rule, 'resources'),
        verbs: nonEmptyList(rule, 'verbs'),
      };
      const resourceNames = rule.optStringList('resourceNames');
      if (resourceNames && resourceNames.length > 0) out.resourceNames = resourceNames;
      rule.done();
      return out;
    });
    return { rules };
  },
  build(chart, spec, common) {
    new ApiObject(chart, 'object', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: metadataOf(common),
      rules: spec.rules,
    });
  },
  injected: [],
});

// ---------------------------------------------------------------------------------------------

const ROLE_KINDS = ['Role', 'ClusterRole'] as const;
const SUBJECT_KINDS = ['ServiceAccount', 'User', 'Group'] as const;

interface Subject {
  kind: (typeof SUBJECT_KINDS)[number];
  name: string;
  namespace?: string;
}

interface RoleBindingSpec {
  roleRef: { kind: (typeof ROLE_KINDS)[number]; name: string };
  subjects: Subject[];
}

export const roleBindings = defineKind<RoleBindingSpec>({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  via: 'cdk8s-plus-28 RoleBinding',
  parse(r, common) {
    const ref = r.object('roleRef', true);
    if (!ref) throw new RenderError(r.path('roleRef'), 'is required');
    const roleRef = { kind: ref.oneOf('kind', ROLE_KINDS), name: ref.str('name') };
    ref.done();
    const subjects = (r.objects('subjects', true) ?? []).map((s) => {
      const subject: Subject = { kind: s.oneOf('kind', SUBJECT_KINDS), name: s.str('name') };
      const namespace = s.optStr('namespace');
      if (subject.kind === 'ServiceAccount') {
        // The API requires a namespace for ServiceAccount subjects: the binding's own when not given
        // (cdk8s-plus would say "default").
        const ns = namespace ?? common.namespace;
        if (ns === undefined) throw new RenderError(s.path('namespace'), 'is required for a ServiceAccount subject');
        subject.namespace = ns;
      } else if (namespace !== undefined) {
        throw new RenderError(
          s.path('namespace'),
          `only ServiceAccount subjects take a namespace, not ${subject.kind}`,
        );
      }
      s.done();
      return subject;
    });
    return { roleRef, subjects };
  },
  build(chart, spec, common) {
    const role =
      spec.roleRef.kind === 'Role'
        ? kplus.Role.fromRoleName(chart, 'role', spec.roleRef.name)
        : kplus.ClusterRole.fromClusterRoleName(chart, 'role', spec.roleRef.name);
    const binding = new kplus.RoleBinding(chart, 'object', { metadata: metadataOf(common), role });
    binding.addSubjects(
      ...spec.subjects.map((s, i): kplus.ISubject => {
        const id = `subject${i}`;
        if (s.kind === 'User') return kplus.User.fromName(chart, id, s.name);
        if (s.kind === 'Group') return kplus.Group.fromName(chart, id, s.name);
        return kplus.ServiceAccount.fromServiceAccountName(chart, id, s.name, { namespaceName: s.namespace });
      }),
    );
  },
  injected: [
    // The value the API server defaults anyway: "" for ServiceAccount, rbac.authorization.k8s.io for User
    // and Group. roleRef.apiGroup is required and stays.
    { path: '/subjects/*/apiGroup' },
  ],
});
