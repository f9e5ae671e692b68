import {
  anyValue,
  celRules,
  crdDescription,
  FIELD_PATH,
  fieldPath,
  oneOf,
  type Static,
  type TSchema,
  Type,
} from './schema.ts';

/** The operators of a condition, in `{field, operator, value}` form or as shorthand keys. */
export const OPERATORS = [
  'equals',
  'notEquals',
  'contains',
  'notContains',
  'prefix',
  'suffix',
  'exists',
  'notExists',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'notIn',
  'regex',
  'between',
] as const;
export type Operator = (typeof OPERATORS)[number];

/** Operators that take no operand. */
export const UNARY_OPERATORS: readonly Operator[] = ['exists', 'notExists'];

const shorthandProps = Object.fromEntries(
  OPERATORS.map((op) => [
    op,
    Type.Optional(
      // No per-key description: this block repeats in every condition of the CRD, and the
      // Condition description already explains the shorthand form.
      UNARY_OPERATORS.includes(op)
        ? Type.Boolean()
        : Type.Unsafe<unknown>({ 'x-kubernetes-preserve-unknown-fields': true }),
    ),
  ]),
) as unknown as Record<Operator, ReturnType<typeof Type.Optional<TSchema>>>;

/**
 * The condition fields shared by `when`, `or`, validation rules and status-field gates. `terse`
 * drops their descriptions from the CRD where the block repeats (every child entry of every
 * phase); the Condition description there names the fields instead.
 */
function conditionFields(terse: boolean) {
  const crd = terse ? crdDescription('') : {};
  return {
    field: Type.Optional(
      Type.String({
        description: 'Path into the custom resource, e.g. spec.replicas or metadata.labels.tier.',
        pattern: FIELD_PATH,
        maxLength: 256,
        ...crd,
      }),
    ),
    operator: Type.Optional(oneOf(OPERATORS, { description: 'How field is compared with value.', ...crd })),
    value: Type.Optional(
      Type.Unsafe<unknown>({
        description: 'Operand of operator; a two-item list for between, a list for in/notIn.',
        'x-kubernetes-preserve-unknown-fields': true,
        ...crd,
      }),
    ),
    negate: Type.Optional(Type.Boolean({ description: 'Inverts the outcome.', ...crd })),
    cel: Type.Optional(
      Type.String({
        description: 'A CEL expression with self (the custom resource), oldSelf (on update) and children bound.',
        minLength: 1,
        maxLength: 4096,
        ...crd,
      }),
    ),
    ...shorthandProps,
  };
}
const conditionProperties = conditionFields(false);

// Operands are untyped (any JSON value), and the API server's CEL cannot see untyped fields, so
// these rules check what is typed; "exactly one operator" is checked again when a Katalog loads,
// reported in its status with the field path.
const conditionRules = celRules(
  {
    rule: 'has(self.cel) != has(self.field)',
    message: 'a condition sets exactly one of cel or field',
  },
  {
    rule: '!has(self.cel) || !has(self.operator) && !has(self.exists) && !has(self.notExists)',
    message: 'a cel condition takes no operator',
  },
  {
    rule: '!has(self.operator) || !has(self.exists) && !has(self.notExists)',
    message: 'set operator or a shorthand operator key, not both',
  },
);

export const Condition = Type.Object(conditionFields(true), {
  description: `A condition: {field, operator, value}, the shorthand {field: spec.x, <operator>: <value>} (operators: ${OPERATORS.join(', ')}), or {cel: "..."}; negate inverts it.`,
  // The fields name themselves; docs/reference/ has the full text.
  ...crdDescription(''),
  ...conditionRules,
});
export type Condition = Static<typeof Condition>;

// List bounds keep the API server's CEL cost estimate (rule cost x possible instances) in budget.
export function conditionList(description: string, maxItems = 8, crd: Record<string, string> = {}) {
  return Type.Array(Condition, { description, maxItems, ...crd });
}

/** `when` (all must hold) and `or` (at least one must hold, if given). */
export const gateProperties = {
  when: Type.Optional(
    conditionList('Every condition must hold for this entry to apply.', 8, crdDescription('All must hold.')),
  ),
  or: Type.Optional(
    conditionList(
      'If given, at least one of these conditions must hold as well.',
      8,
      crdDescription('If given, one must hold too.'),
    ),
  ),
};

export const ValidationRule = Type.Object(
  {
    ...conditionProperties,
    field: Type.Optional(fieldPath('Path into the custom resource the rule checks, e.g. spec.replicas.')),
    message: Type.String({ description: 'What the user is told when the rule fails.', minLength: 1, maxLength: 1024 }),
    action: Type.Optional(
      Type.Union([Type.Literal('deny'), Type.Literal('warn')], {
        description: 'deny rejects the resource (default); warn admits it with a warning.',
      }),
    ),
  },
  { description: 'A condition every custom resource must satisfy.', ...conditionRules },
);
export type ValidationRule = Static<typeof ValidationRule>;

export const MutationRule = Type.Object(
  {
    field: fieldPath('Path to set, e.g. spec.port or metadata.annotations["example.com/owner"].'),
    default: Type.Optional(anyValue('Value set when the field is missing.')),
    value: Type.Optional(anyValue('Value always set (a template string is rendered first).')),
    ...gateProperties,
  },
  // "exactly one of default or value" is checked when the Katalog loads: CEL cannot see untyped fields.
  { description: 'Defaults or sets a field of the custom resource before validation and rendering.' },
);
export type MutationRule = Static<typeof MutationRule>;
