/**
 * Evaluator for parsed templates, after text/template/exec.go. Pure: reads only the data it is
 * given (own, enumerable properties of plain objects and arrays) and the template's constants.
 */
import { type Draw, endDraw, overBudget, startDraw } from './budget.ts';
import {
  FunctionError,
  FunctionLimit,
  LimitFailure,
  MAX_OUTPUT_CHARS,
  MAX_RANGE_ITERATIONS,
  TemplateFailure,
} from './errors.ts';
import { formatValue } from './format.ts';
import type { CallOperand, ControlNode, Operand, Pipe, TemplateNode, Tree } from './parser.ts';
import {
  ABSENT,
  cloneJson,
  describeKind,
  isTrue,
  kindOf,
  Missing,
  missingFailure,
  ownField,
  type PlainObject,
  sortedKeys,
} from './values.ts';

/** How a list ended: normally, or by {{break}} / {{continue}} inside a range. */
const NONE = 0;
const BREAK = 1;
const CONTINUE = 2;
type Signal = typeof NONE | typeof BREAK | typeof CONTINUE;

// The CPU budget is checked every STEPS_PER_CHECK steps: a range iteration is one step, a function
// call (which may walk up to a megabyte) CALL_STEPS, so a check follows at most 8 calls or 64
// iterations, and the clock read stays a small part of even the cheapest loop.
const STEPS_PER_CHECK = 64;
const CALL_STEPS = 8;

class Run {
  private readonly vars: unknown[];
  private out = '';
  private iterations = 0;
  private draw: Draw | undefined;
  private stepsLeft = STEPS_PER_CHECK;

  constructor(tree: Tree, data: unknown) {
    this.vars = new Array<unknown>(tree.slots).fill(null);
    this.vars[0] = data;
  }

  text(tree: Tree, data: unknown): string {
    try {
      this.list(tree.nodes, data);
      return this.out;
    } finally {
      this.finish();
    }
  }

  value(pipe: Pipe, data: unknown): unknown {
    try {
      const value = this.pipeline(pipe, data);
      if (value instanceof Missing) throw missingFailure(value);
      return cloneJson(value);
    } finally {
      this.finish();
    }
  }

  // -- budget -----------------------------------------------------------------------------------

  /** Counts `cost` steps; every STEPS_PER_CHECK, fails at `offset` once the render's CPU budget is spent. */
  private step(cost: number, offset: number): void {
    // Drawing starts at the first step: a template without loops or calls never reads a clock,
    // and what it costs is bounded by its size.
    this.draw ??= startDraw();
    this.stepsLeft -= cost;
    if (this.stepsLeft > 0) return;
    this.stepsLeft = STEPS_PER_CHECK;
    if (overBudget(this.draw)) {
      throw new LimitFailure(
        offset,
        `template exceeded its time budget of ${this.draw.meter.budgetMs} ms of CPU per render: range over less data or do less in each iteration`,
      );
    }
  }

  private finish(): void {
    if (this.draw !== undefined) endDraw(this.draw);
  }

  // -- output -----------------------------------------------------------------------------------

  private write(s: string, offset: number): void {
    if (this.out.length + s.length > MAX_OUTPUT_CHARS) {
      throw new LimitFailure(offset, `output larger than ${MAX_OUTPUT_CHARS} characters`);
    }
    this.out += s;
  }

  /** Action output: %v formatting; null prints as "" (Go prints "<no value>"). */
  private print(value: unknown, offset: number): void {
    if (value instanceof Missing) throw missingFailure(value);
    if (value === null || value === undefined) return;
    if (kindOf(value) === 'other') throw new TemplateFailure(offset, `can't print value of type ${typeof value}`);
    this.write(formatValue(value), offset);
  }

  // -- nodes ------------------------------------------------------------------------------------

  private list(nodes: readonly TemplateNode[], dot: unknown): Signal {
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          this.write(node.text, 0);
          break;
        case 'action': {
          const value = this.pipeline(node.pipe, dot);
          if (node.pipe.decl.length === 0) this.print(value, node.pipe.pos);
          break;
        }
        case 'if':
        case 'with': {
          const value = this.pipeline(node.pipe, dot);
          const signal = isTrue(value)
            ? this.list(node.list, node.kind === 'with' ? value : dot)
            : node.elseList !== null
              ? this.list(node.elseList, dot)
              : NONE;
          if (signal !== NONE) return signal;
          break;
        }
        case 'range': {
          const signal = this.range(node, dot);
          if (signal !== NONE) return signal;
          break;
        }
        case 'break':
          return BREAK;
        case 'continue':
          return CONTINUE;
      }
    }
    return NONE;
  }

  private range(node: ControlNode, dot: unknown): Signal {
    const value = this.pipeline(node.pipe, dot);
    const decl = node.pipe.decl;
    const at = node.pipe.cmds[0]?.pos ?? node.pipe.pos;
    const elseBranch = (): Signal => (node.elseList !== null ? this.list(node.elseList, dot) : NONE);
    const iterate = (key: unknown, element: unknown): boolean => {
      if (++this.iterations > MAX_RANGE_ITERATIONS) {
        throw new LimitFailure(node.pos, `more than ${MAX_RANGE_ITERATIONS} range iterations`);
      }
      this.step(1, node.pos);
      if (decl.length === 1) this.vars[decl[0] as number] = element;
      else if (decl.length === 2) {
        this.vars[decl[0] as number] = key;
        this.vars[decl[1] as number] = element;
      }
      return this.list(node.list, element) === BREAK;
    };
    switch (kindOf(value)) {
      case 'array': {
        const list = value as unknown[];
        if (list.length === 0) return elseBranch();
        for (let i = 0; i < list.length; i++) {
          const element = list[i];
          if (iterate(i, element === undefined ? null : element)) break;
        }
        return NONE;
      }
      case 'map': {
        const object = value as PlainObject;
        const keys = sortedKeys(object);
        if (keys.length === 0) return elseBranch();
        for (const key of keys) {
          if (iterate(key, object[key])) break;
        }
        return NONE;
      }
      case 'number': {
        const n = value as number;
        if (!Number.isInteger(n)) throw new TemplateFailure(at, `range can't iterate over ${n}`);
        if (decl.length > 1) {
          throw new TemplateFailure(at, `can't use ${n} to iterate over more than one variable`);
        }
        if (n <= 0) return elseBranch();
        for (let i = 0; i < n; i++) {
          if (iterate(i, i)) break;
        }
        return NONE;
      }
      case 'nil':
      case 'missing':
        return elseBranch();
      default:
        throw new TemplateFailure(at, `range can't iterate over ${describeKind(value)}`);
    }
  }

  // -- pipelines and operands -------------------------------------------------------------------

  private pipeline(pipe: Pipe, dot: unknown): unknown {
    let value: unknown;
    pipe.cmds.forEach((cmd, i) => {
      value = cmd.kind === 'call' ? this.call(cmd, dot, i > 0, value) : this.operand(cmd, dot);
    });
    for (const slot of pipe.decl) this.vars[slot] = value;
    return value;
  }

  private operand(op: Operand, dot: unknown): unknown {
    switch (op.kind) {
      case 'literal':
        return op.value;
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'field':
        return this.fields(dot, op.names, op.paths, op.pos);
      case 'variable': {
        const base = this.vars[op.slot];
        return op.names.length === 0 ? base : this.fields(base, op.names, op.paths, op.pos);
      }
      case 'chain': {
        const base = this.operand(op.base, dot);
        return this.fields(base, op.names, op.paths, op.pos);
      }
      case 'pipe':
        return this.pipeline(op.pipe, dot);
      case 'call':
        return this.call(op, dot, false, undefined);
    }
  }

  /** Field chain: a missing key, or any field of null/missing, gives Missing; a field of a scalar fails. */
  private fields(base: unknown, names: readonly string[], paths: readonly string[], offset: number): unknown {
    let value = base;
    const fullPath = paths[paths.length - 1] ?? '';
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const kind = kindOf(value);
      if (kind === 'missing') {
        const missing = value as Missing;
        return new Missing(
          missing.path,
          missing.fullPath === missing.path ? fullPath : missing.fullPath,
          missing.offset,
        );
      }
      if (kind === 'nil') return new Missing(paths[i] as string, fullPath, offset);
      if (kind !== 'map') {
        const first = paths[0] as string;
        const owner = i === 0 ? first.slice(0, first.length - name.length - 1) || '.' : (paths[i - 1] as string);
        throw new TemplateFailure(
          offset,
          `can't evaluate field ${name} in ${fullPath}: ${owner} is ${article(describeKind(value))}, not an object`,
        );
      }
      const next = ownField(value as PlainObject, name);
      if (next === ABSENT) return new Missing(paths[i] as string, fullPath, offset);
      value = next;
    }
    return value;
  }

  private call(op: CallOperand, dot: unknown, hasFinal: boolean, final: unknown): unknown {
    const { fn, info } = op;
    this.step(CALL_STEPS, info.offset);
    if (fn.shortCircuit !== undefined) {
      // and/or: stop at the first falsy (and) or truthy (or) argument; the piped value comes last.
      const wantTrue = fn.shortCircuit === 'or';
      let value: unknown;
      for (let i = 0; i < op.args.length; i++) {
        value = this.operand(op.args[i] as Operand, dot);
        const last = i === op.args.length - 1 && !hasFinal;
        if (last || isTrue(value) === wantTrue) return value;
      }
      return final;
    }
    const args = op.args.map((arg) => this.operand(arg, dot));
    if (hasFinal) args.push(final);
    if (fn.acceptsMissing !== true) {
      for (const arg of args) {
        if (arg instanceof Missing) throw missingFailure(arg, `argument of ${info.name}`);
      }
    }
    let result: unknown;
    try {
      result = fn.call(args, info);
    } catch (error) {
      if (error instanceof FunctionError) {
        const Failure = error instanceof FunctionLimit ? LimitFailure : TemplateFailure;
        throw new Failure(info.offset, `error calling ${info.name}: ${error.message}`);
      }
      throw error;
    }
    if (typeof result === 'string' && result.length > MAX_OUTPUT_CHARS) {
      throw new LimitFailure(
        info.offset,
        `error calling ${info.name}: result larger than ${MAX_OUTPUT_CHARS} characters`,
      );
    }
    return result;
  }
}

function article(noun: string): string {
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** Renders a template whose result is text. */
export function renderText(tree: Tree, data: unknown): string {
  return new Run(tree, data).text(tree, data);
}

/** Renders a single-action template: the value keeps its JSON type (a deep copy, never the data itself). */
export function renderValue(tree: Tree, pipe: Pipe, data: unknown): unknown {
  return new Run(tree, data).value(pipe, data);
}
