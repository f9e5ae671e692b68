/**
 * Parser for Go text/template syntax, after text/template/parse/parse.go. Everything that can be
 * decided without data is decided here, so rendering never re-parses and fails only on data:
 * unknown functions, argument counts, undefined variables, arguments given to non-functions,
 * `{{break}}` outside `{{range}}`. Variables are resolved to frame slots.
 */
import { MAX_NESTING, TemplateFailure } from './errors.ts';
import { type CallInfo, FUNCTIONS, type TemplateFunction } from './functions.ts';
import { lex, type Token, type TokenType } from './lexer.ts';
import { REFUSED } from './refused.ts';

interface Span {
  /** Offsets of the expression in the source: [pos, end). */
  readonly pos: number;
  readonly end: number;
}

export interface LiteralOperand extends Span {
  readonly kind: 'literal';
  readonly value: string | number | boolean;
}
export interface DotOperand extends Span {
  readonly kind: 'dot';
}
export interface NilOperand extends Span {
  readonly kind: 'nil';
}
interface FieldChain {
  /** Field names, in order. */
  readonly names: readonly string[];
  /** Path text after each field, for messages: `.spec`, `.spec.image`. */
  readonly paths: readonly string[];
}
export interface FieldOperand extends Span, FieldChain {
  readonly kind: 'field';
}
export interface VariableOperand extends Span, FieldChain {
  readonly kind: 'variable';
  readonly name: string;
  readonly slot: number;
}
export interface ChainOperand extends Span, FieldChain {
  readonly kind: 'chain';
  readonly base: Operand;
}
export interface PipeOperand extends Span {
  readonly kind: 'pipe';
  readonly pipe: Pipe;
}
export interface CallOperand extends Span {
  readonly kind: 'call';
  readonly fn: TemplateFunction;
  readonly info: CallInfo;
  /** Explicit arguments; the piped value, when `piped`, comes after them. */
  readonly args: readonly Operand[];
  readonly piped: boolean;
}
export type Operand =
  | LiteralOperand
  | DotOperand
  | NilOperand
  | FieldOperand
  | VariableOperand
  | ChainOperand
  | PipeOperand
  | CallOperand;

export interface Pipe {
  readonly pos: number;
  /** Slots of the declared or assigned variables (`$x := ...`, `$i, $v := ...`). */
  readonly decl: readonly number[];
  /** The commands; each after the first receives the previous result as last argument. */
  readonly cmds: readonly Operand[];
}

export interface TextNode {
  readonly kind: 'text';
  readonly text: string;
}
export interface ActionNode {
  readonly kind: 'action';
  readonly pipe: Pipe;
}
export interface ControlNode {
  readonly kind: 'if' | 'with' | 'range';
  readonly pos: number;
  readonly pipe: Pipe;
  readonly list: readonly TemplateNode[];
  readonly elseList: readonly TemplateNode[] | null;
}
export interface LoopControlNode {
  readonly kind: 'break' | 'continue';
  readonly pos: number;
}
export type TemplateNode = TextNode | ActionNode | ControlNode | LoopControlNode;

export interface Tree {
  readonly nodes: readonly TemplateNode[];
  /** Number of variable slots; slot 0 is `$`. */
  readonly slots: number;
  /** Set when the template is exactly one action: its value keeps its type. */
  readonly single: Pipe | null;
}

interface Ident extends Span {
  readonly kind: 'ident';
  readonly name: string;
  readonly fn: TemplateFunction;
}

interface ListEnd {
  readonly nodes: TemplateNode[];
  readonly marker: 'end' | 'else' | 'eof';
  readonly token: Token;
  /** `{{else if ...}}` / `{{else with ...}}`: the keyword, left unconsumed. */
  readonly chained?: string;
}

type ActionResult =
  | TemplateNode
  | { readonly marker: 'end' | 'else'; readonly token: Token; readonly chained?: string };

const OPERAND_START = new Set<TokenType>([
  'bool',
  'dot',
  'field',
  'identifier',
  'number',
  'nil',
  'string',
  'variable',
  'leftParen',
]);

function describe(token: Token): string {
  switch (token.type) {
    case 'eof':
      return 'EOF';
    case 'rightDelim':
      return '"}}"';
    default:
      return JSON.stringify(token.value);
  }
}

function arity(fn: TemplateFunction): string {
  if (fn.minArgs === fn.maxArgs) return String(fn.minArgs);
  if (fn.maxArgs === Number.POSITIVE_INFINITY) return `at least ${fn.minArgs}`;
  return `${fn.minArgs} to ${fn.maxArgs}`;
}

class Parser {
  private readonly src: string;
  private readonly tokens: Token[];
  private i = 0;
  private readonly scope: Array<{ name: string; slot: number }> = [{ name: '$', slot: 0 }];
  private slots = 1;
  private rangeDepth = 0;
  private depth = 0;

  constructor(src: string) {
    this.src = src;
    this.tokens = lex(src);
  }

  parse(): Tree {
    const { nodes, marker, token } = this.parseList();
    if (marker !== 'eof') this.fail(token.pos, `unexpected {{${marker}}}`);
    const meaningful = nodes.filter((n) => n.kind !== 'text' || n.text !== '');
    const only = meaningful.length === 1 ? meaningful[0] : undefined;
    const single = only?.kind === 'action' && only.pipe.decl.length === 0 ? only.pipe : null;
    return { nodes, slots: this.slots, single };
  }

  // -- tokens -----------------------------------------------------------------------------------

  private fail(offset: number, reason: string): never {
    throw new TemplateFailure(offset, reason);
  }

  private peek(): Token {
    return this.tokens[this.i] ?? (this.tokens[this.tokens.length - 1] as Token);
  }

  private next(): Token {
    const token = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return token;
  }

  private peekNonSpace(): Token {
    while (this.peek().type === 'space') this.i++;
    return this.peek();
  }

  private nextNonSpace(): Token {
    this.peekNonSpace();
    return this.next();
  }

  private expectRightDelim(context: string): void {
    const token = this.nextNonSpace();
    if (token.type !== 'rightDelim') this.fail(token.pos, `unexpected ${describe(token)} in ${context}`);
  }

  private enter(offset: number): void {
    if (++this.depth > MAX_NESTING) this.fail(offset, `template nested more than ${MAX_NESTING} levels deep`);
  }

  private text(span: Span): string {
    return this.src.slice(span.pos, span.end);
  }

  // -- lists and actions ------------------------------------------------------------------------

  private parseList(): ListEnd {
    const nodes: TemplateNode[] = [];
    for (;;) {
      const token = this.next();
      switch (token.type) {
        case 'text':
          nodes.push({ kind: 'text', text: token.value });
          break;
        case 'leftDelim': {
          const result = this.parseAction();
          if ('marker' in result) return { nodes, ...result };
          nodes.push(result);
          break;
        }
        case 'eof':
          return { nodes, marker: 'eof', token };
        default:
          this.fail(token.pos, `unexpected ${describe(token)}`);
      }
    }
  }

  private parseAction(): ActionResult {
    const token = this.peekNonSpace();
    if (token.type === 'keyword') {
      this.next();
      switch (token.value) {
        case 'if':
        case 'with':
        case 'range':
          return this.parseControl(token.value, token);
        case 'end':
          this.expectRightDelim('end');
          return { marker: 'end', token };
        case 'else': {
          const after = this.peekNonSpace();
          if (after.type === 'keyword' && (after.value === 'if' || after.value === 'with')) {
            return { marker: 'else', token, chained: after.value };
          }
          this.expectRightDelim('else');
          return { marker: 'else', token };
        }
        case 'break':
        case 'continue':
          if (this.rangeDepth === 0) this.fail(token.pos, `{{${token.value}}} outside {{range}}`);
          this.expectRightDelim(token.value);
          return { kind: token.value, pos: token.pos };
        default:
          this.fail(token.pos, `{{${token.value}}} is not supported: a template cannot define or call other templates`);
      }
    }
    return { kind: 'action', pipe: this.parsePipeline('command', 'rightDelim') };
  }

  private parseControl(kind: 'if' | 'with' | 'range', keyword: Token): ControlNode {
    this.enter(keyword.pos);
    const scopeMark = this.scope.length;
    const pipe = this.parsePipeline(kind, 'rightDelim');
    const branchMark = this.scope.length;
    if (kind === 'range') this.rangeDepth++;
    const body = this.parseList();
    if (kind === 'range') this.rangeDepth--;
    this.scope.length = branchMark;
    const unclosed = (): never => this.fail(keyword.pos, `unexpected EOF: {{${kind}}} has no matching {{end}}`);
    let elseList: TemplateNode[] | null = null;
    if (body.marker === 'eof') unclosed();
    if (body.marker === 'else') {
      if (body.chained !== undefined) {
        if (body.chained !== kind) this.fail(body.token.pos, `{{else ${body.chained}}} is not allowed in {{${kind}}}`);
        const chainedKeyword = this.nextNonSpace();
        elseList = [this.parseControl(kind, chainedKeyword)];
      } else {
        const rest = this.parseList();
        if (rest.marker === 'eof') unclosed();
        if (rest.marker === 'else') this.fail(rest.token.pos, 'expected {{end}}; found {{else}}');
        elseList = rest.nodes;
        this.scope.length = branchMark;
      }
    }
    this.scope.length = scopeMark;
    this.depth--;
    return { kind, pos: keyword.pos, pipe, list: body.nodes, elseList };
  }

  // -- pipelines --------------------------------------------------------------------------------

  private parsePipeline(context: string, end: 'rightDelim' | 'rightParen'): Pipe {
    const start = this.peekNonSpace();
    const declared: Token[] = [];
    let isAssign = false;
    for (;;) {
      const variable = this.peekNonSpace();
      if (variable.type !== 'variable') break;
      const save = this.i;
      this.next();
      const after = this.peekNonSpace();
      if (after.type === 'declare' || after.type === 'assign') {
        this.next();
        declared.push(variable);
        isAssign = after.type === 'assign';
        break;
      }
      if (after.type === 'comma') {
        this.next();
        declared.push(variable);
        if (context === 'range' && declared.length < 2) {
          const second = this.peekNonSpace();
          if (second.type === 'variable') continue;
          this.fail(second.pos, 'range can only initialize variables');
        }
        this.fail(after.pos, `too many declarations in ${context}`);
      }
      if (declared.length > 0) this.fail(after.pos, `expected := or = after ${variable.value}`);
      this.i = save;
      break;
    }

    const cmds: Operand[] = [];
    let lastPipe: Token | null = null;
    for (;;) {
      const token = this.peekNonSpace();
      if (token.type === end) {
        // Go accepts a trailing "|" with no command after it (`{{ .x | }}`).
        this.next();
        break;
      }
      if (!OPERAND_START.has(token.type)) this.fail(token.pos, `unexpected ${describe(token)} in ${context}`);
      const pipedText = lastPipe === null ? '' : this.src.slice(start.pos, lastPipe.pos).trim();
      const { command, pipe } = this.parseCommand(cmds.length, pipedText);
      cmds.push(command);
      lastPipe = pipe;
    }
    if (cmds.length === 0) this.fail(start.pos, `missing value for ${context}`);

    const decl = declared.map((variable) => (isAssign ? this.resolve(variable) : this.declareVariable(variable.value)));
    return { pos: start.pos, decl, cmds };
  }

  private declareVariable(name: string): number {
    const slot = this.slots++;
    this.scope.push({ name, slot });
    return slot;
  }

  private resolve(token: Token): number {
    for (let i = this.scope.length - 1; i >= 0; i--) {
      const entry = this.scope[i];
      if (entry?.name === token.value) return entry.slot;
    }
    return this.fail(token.pos, `undefined variable "${token.value}"`);
  }

  /** One command of a pipeline; returns the `|` token that ended it, if any. */
  private parseCommand(stage: number, pipedText: string): { command: Operand; pipe: Token | null } {
    const operands: Array<Operand | Ident> = [];
    let pipe: Token | null = null;
    for (;;) {
      this.peekNonSpace();
      const operand = this.parseOperand();
      if (operand !== null) operands.push(operand);
      const token = this.next();
      if (token.type === 'space') continue;
      if (token.type === 'rightDelim' || token.type === 'rightParen') {
        this.i--;
        break;
      }
      if (token.type === 'pipe') {
        pipe = token;
        break;
      }
      this.fail(token.pos, `unexpected ${describe(token)} in operand`);
    }
    const [head, ...rest] = operands;
    if (head === undefined) return this.fail(this.peek().pos, 'empty command');
    const args = rest.map((operand) => (operand.kind === 'ident' ? this.call(operand, [], false, '') : operand));
    if (head.kind === 'ident') return { command: this.call(head, args, stage > 0, pipedText), pipe };
    if (head.kind === 'nil') this.fail(head.pos, 'nil is not a command');
    if (stage > 0) {
      if (head.kind === 'literal' || head.kind === 'dot') {
        this.fail(head.pos, `non executable command in pipeline stage ${stage + 1}`);
      }
      this.fail(head.pos, `can't give argument to non-function ${this.text(head)}`);
    }
    if (args.length > 0) this.fail(head.pos, `can't give argument to non-function ${this.text(head)}`);
    return { command: head, pipe };
  }

  private call(ident: Ident, args: Operand[], piped: boolean, pipedText: string): CallOperand {
    const count = args.length + (piped ? 1 : 0);
    const { fn, name } = ident;
    if (count < fn.minArgs || count > fn.maxArgs) {
      this.fail(ident.pos, `wrong number of args for ${name}: want ${arity(fn)} got ${count}`);
    }
    const argTexts = args.map((arg) => this.text(arg));
    if (piped) argTexts.push(pipedText);
    const end = args.length > 0 ? (args[args.length - 1] as Operand).end : ident.end;
    return { kind: 'call', pos: ident.pos, end, fn, info: { name, offset: ident.pos, argTexts }, args, piped };
  }

  // -- operands ---------------------------------------------------------------------------------

  private parseOperand(): Operand | Ident | null {
    const term = this.parseTerm();
    if (term === null || this.peek().type !== 'field') return term;
    const names: string[] = [];
    let end = term.end;
    while (this.peek().type === 'field') {
      const field = this.next();
      names.push(field.value);
      end = field.end;
    }
    switch (term.kind) {
      case 'field':
        return { ...term, end, ...this.chain('', [...term.names, ...names]) };
      case 'variable':
        return { ...term, end, ...this.chain(term.name, [...term.names, ...names]) };
      case 'literal':
      case 'nil':
      case 'dot':
        return this.fail(term.end, `unexpected . after term ${this.text(term)}`);
      default: {
        const base = term.kind === 'ident' ? this.call(term, [], false, '') : term;
        return { kind: 'chain', pos: term.pos, end, base, ...this.chain(this.text(term), names) };
      }
    }
  }

  private chain(baseText: string, names: string[]): FieldChain {
    const paths: string[] = [];
    let path = baseText;
    for (const name of names) {
      path += `.${name}`;
      paths.push(path);
    }
    return { names, paths };
  }

  private parseTerm(): Operand | Ident | null {
    const token = this.nextNonSpace();
    const span = { pos: token.pos, end: token.end };
    switch (token.type) {
      case 'identifier': {
        const fn = FUNCTIONS.get(token.value);
        if (fn === undefined) {
          const refused = REFUSED.get(token.value);
          if (refused !== undefined) this.fail(token.pos, `function "${token.value}" is not allowed: ${refused}`);
          this.fail(token.pos, `function "${token.value}" not defined`);
        }
        return { kind: 'ident', ...span, name: token.value, fn };
      }
      case 'dot':
        return { kind: 'dot', ...span };
      case 'nil':
        return { kind: 'nil', ...span };
      case 'variable':
        return {
          kind: 'variable',
          ...span,
          name: token.value,
          slot: this.resolve(token),
          names: [],
          paths: [],
        };
      case 'field':
        return { kind: 'field', ...span, ...this.chain('', [token.value]) };
      case 'bool':
      case 'number':
      case 'string':
        return { kind: 'literal', ...span, value: token.literal as string | number | boolean };
      case 'leftParen': {
        this.enter(token.pos);
        const pipe = this.parsePipeline('parenthesized pipeline', 'rightParen');
        this.depth--;
        const close = this.tokens[this.i - 1] as Token;
        return { kind: 'pipe', pos: token.pos, end: close.end, pipe };
      }
      default:
        this.i--;
        return null;
    }
  }
}

/** Parses a template; throws TemplateFailure (with a source offset) for syntax errors. */
export function parse(source: string): Tree {
  return new Parser(source).parse();
}
