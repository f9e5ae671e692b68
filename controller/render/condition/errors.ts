/**
 * A condition that cannot be compiled: an unknown operator, a wrong operand shape, a malformed
 * field path, CEL that does not compile. The message starts with `where`, the Katalog field path
 * of the condition (`spec.crds.web.operatorBox.reconcile.onCreate.services[0].when[0]`).
 */
export class ConditionError extends Error {
  override readonly name = 'ConditionError';
  /** The Katalog field path of the condition. */
  readonly where: string;
  /** The message without the leading `where: `. */
  readonly reason: string;
  constructor(where: string, reason: string) {
    super(`${where}: ${reason}`);
    this.where = where;
    this.reason = reason;
  }
}
