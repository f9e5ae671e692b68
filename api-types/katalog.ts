import { Box, BoxStatus } from './box.ts';
import {
  type CelRule,
  celRules,
  mapOf,
  QUALIFIED_NAME,
  RFC1123_LABEL,
  type Static,
  stringList,
  Type,
} from './schema.ts';
import { conditionsList } from './status-condition.ts';

const BOX_NAME = RFC1123_LABEL.replaceAll('\\', '\\\\');

/**
 * Rules over the whole box map. Field names of the box map are checked here because a CRD schema
 * cannot put a pattern on map keys; `dependsOn` targets must name boxes of the same map.
 */
export function boxMapRules(boxDependsOn: boolean) {
  const rules: CelRule[] = [
    {
      rule: `self.all(k, size(k) <= 63 && k.matches('${BOX_NAME}'))`,
      message: 'box names must be lowercase RFC 1123 labels (a-z, 0-9 and -, at most 63 characters)',
    },
  ];
  if (boxDependsOn) {
    rules.push(
      {
        rule: 'self.all(k, !has(self[k].dependsOn) || self[k].dependsOn.all(d, d in self))',
        // A messageExpression naming the box is too costly for the API server's CEL budget (map
        // keys have no length bound); the Katalog status names it.
        message: 'every dependsOn entry must name a box of this Katalog (a key of spec.crds)',
      },
      {
        rule: 'self.all(k, !has(self[k].dependsOn) || !(k in self[k].dependsOn))',
        message: 'a box cannot depend on itself',
      },
      {
        rule: 'self.all(a, self.all(b, a == b || self[a].apiTypes.group != self[b].apiTypes.group || self[a].apiTypes.kind != self[b].apiTypes.kind))',
        message: 'two boxes of one Katalog operate the same group and kind',
      },
    );
  }
  return celRules(...rules);
}

export const KatalogSpec = Type.Object(
  {
    description: Type.Optional(Type.String({ description: 'What this Katalog provides.', maxLength: 1024 })),
    finalizers: Type.Optional(
      stringList('Finalizers added to every custom resource this Katalog manages.', 16, { pattern: QUALIFIED_NAME }),
    ),
    onDelete: Type.Optional(
      Type.Union([Type.Literal('Orphan'), Type.Literal('Delete')], {
        description:
          "When the Katalog is deleted: Orphan (default) stops its boxes, takes Orkestra's finalizers (its own, the Katalog's and the boxes' declared ones) off their custom resources and leaves those and their children in place; Delete keeps the boxes running, deletes their custom resources, lets each one's onDelete run, and lets the Katalog go once they are all gone (Orkestra holds a finalizer on the Katalog for this).",
      }),
    ),
    crds: mapOf(Box, 'Operator boxes by name (a lowercase RFC 1123 label). Each one runs a controller for one CRD.', {
      maxProperties: 32,
      ...boxMapRules(true),
    }),
  },
  { description: 'A set of CRDs and the operator box Orkestra runs for each.' },
);
export type KatalogSpec = Static<typeof KatalogSpec>;

export const KatalogStatus = Type.Object(
  {
    observedGeneration: Type.Optional(Type.Integer({ description: 'Generation this status reflects.' })),
    conditions: Type.Optional(conditionsList('Ready summarises the boxes.')),
    boxes: Type.Optional(mapOf(BoxStatus, 'Observed state per box.')),
    boxCount: Type.Optional(Type.Integer({ description: 'Boxes declared (enabled or not).' })),
    runningBoxes: Type.Optional(Type.Integer({ description: 'Boxes in phase Running.' })),
    composedBy: Type.Optional(
      Type.String({
        description:
          'The Komposer that imports this Katalog and runs its boxes (once, through the Komposer); the Komposer shows their state.',
      }),
    ),
  },
  { description: 'Observed state, written by Orkestra.' },
);
export type KatalogStatus = Static<typeof KatalogStatus>;

export interface Katalog {
  apiVersion: 'orkestra.orkspace.io/v1alpha1';
  kind: 'Katalog';
  metadata: { name: string; generation?: number; uid?: string; resourceVersion?: string; [key: string]: unknown };
  spec: KatalogSpec;
  status?: KatalogStatus;
}
