/**
 * The syntax tree of the PowerShell subset. Every node carries its extent, so a
 * runtime error can point at the statement, command or expression that raised it.
 * Names follow PowerShell's own Ast classes (PipelineAst, CommandAst, …) minus the suffix.
 */
import type { Extent } from './extent';

interface Node {
  readonly extent: Extent;
}

// ---- script blocks ---------------------------------------------------------------------

export interface ScriptBlock extends Node {
  readonly type: 'ScriptBlock';
  readonly param?: ParamBlock;
  readonly begin?: StatementBlock;
  readonly process?: StatementBlock;
  /** The unnamed statements of a script block are its end block. */
  readonly end?: StatementBlock;
  /** The source text of the block (between the braces for a literal). */
  readonly text: string;
}

export interface ParamBlock extends Node {
  readonly type: 'ParamBlock';
  readonly attributes: readonly Attribute[];
  readonly parameters: readonly Parameter[];
}

export interface Parameter extends Node {
  readonly type: 'Parameter';
  /** Without the `$`. */
  readonly name: string;
  /** [Parameter(...)], [ValidateSet(...)], [Alias(...)] … */
  readonly attributes: readonly Attribute[];
  /** The type constraint ([string], [int[]], [switch]); undefined: object. */
  readonly typeName?: string;
  readonly defaultValue?: Expression;
}

export interface Attribute extends Node {
  readonly type: 'Attribute';
  readonly name: string;
  readonly positional: readonly Expression[];
  /** `Mandatory` alone stands for `Mandatory=$true`. */
  readonly named: ReadonlyArray<{ readonly name: string; readonly value?: Expression }>;
}

export interface StatementBlock extends Node {
  readonly type: 'StatementBlock';
  readonly statements: readonly Statement[];
}

// ---- statements ---------------------------------------------------------------------------

export type Statement =
  | Pipeline
  | Assignment
  | If
  | ForEach
  | For
  | While
  | DoLoop
  | Switch
  | Try
  | FunctionDefinition
  | FlowControl;

export interface Pipeline extends Node {
  readonly type: 'Pipeline';
  readonly elements: readonly PipelineElement[];
}

export type PipelineElement = Command | CommandExpression;

export interface Command extends Node {
  readonly type: 'Command';
  /** `&` (call) or `.` (dot-source); undefined for a plain command. */
  readonly invocationOperator?: '&' | '.';
  /** The command name (a bareword or string) or what `&` calls (an expression). */
  readonly name: Expression;
  readonly elements: readonly CommandElement[];
  readonly redirections: readonly Redirection[];
}

export type CommandElement = CommandParameter | CommandArgument;

export interface CommandParameter extends Node {
  readonly type: 'CommandParameter';
  /** As written, without the dash or colon. */
  readonly name: string;
  /** The `-Name:value` form's value. */
  readonly argument?: Expression;
  /** Written with a colon (`-Force:`), so it needs an argument even when none followed. */
  readonly colon: boolean;
}

export interface CommandArgument extends Node {
  readonly type: 'CommandArgument';
  readonly value: Expression;
  /** `@params` */
  readonly splatted: boolean;
}

export interface CommandExpression extends Node {
  readonly type: 'CommandExpression';
  readonly expression: Expression;
  readonly redirections: readonly Redirection[];
}

export interface Redirection extends Node {
  readonly type: 'Redirection';
  /** The stream's number ('1' output, '2' error, '3' warning, '4' verbose, '5' debug, '6' information) or '*'. */
  readonly stream: string;
  /** `2>&1`: into the output stream. */
  readonly merge: boolean;
  readonly append: boolean;
  readonly target?: Expression;
}

export type AssignmentOperator = '=' | '+=' | '-=' | '*=' | '/=' | '%=';

export interface Assignment extends Node {
  readonly type: 'Assignment';
  readonly target: Expression;
  readonly operator: AssignmentOperator;
  readonly value: Statement;
}

export interface If extends Node {
  readonly type: 'If';
  readonly clauses: ReadonlyArray<{ readonly condition: Pipeline | Assignment; readonly body: StatementBlock }>;
  readonly elseBody?: StatementBlock;
}

export interface ForEach extends Node {
  readonly type: 'ForEach';
  readonly label?: string;
  readonly variable: Variable;
  readonly iterable: Pipeline | Assignment;
  readonly body: StatementBlock;
}

export interface For extends Node {
  readonly type: 'For';
  readonly label?: string;
  readonly initializer?: Pipeline | Assignment;
  readonly condition?: Pipeline | Assignment;
  readonly iterator?: Pipeline | Assignment;
  readonly body: StatementBlock;
}

export interface While extends Node {
  readonly type: 'While';
  readonly label?: string;
  readonly condition: Pipeline | Assignment;
  readonly body: StatementBlock;
}

export interface DoLoop extends Node {
  readonly type: 'DoLoop';
  readonly label?: string;
  readonly body: StatementBlock;
  /** `do {} until (…)` loops while the condition is false. */
  readonly until: boolean;
  readonly condition: Pipeline | Assignment;
}

export interface Switch extends Node {
  readonly type: 'Switch';
  readonly label?: string;
  readonly flags: { readonly regex: boolean; readonly wildcard: boolean; readonly exact: boolean; readonly caseSensitive: boolean };
  readonly value: Pipeline | Assignment;
  readonly clauses: ReadonlyArray<{ readonly condition: Expression; readonly body: StatementBlock }>;
  readonly defaultBody?: StatementBlock;
}

export interface Try extends Node {
  readonly type: 'Try';
  readonly body: StatementBlock;
  /** `typeNames` empty: catch everything. */
  readonly catches: ReadonlyArray<{ readonly typeNames: readonly string[]; readonly body: StatementBlock; readonly extent: Extent }>;
  readonly finallyBody?: StatementBlock;
}

export interface FunctionDefinition extends Node {
  readonly type: 'FunctionDefinition';
  readonly name: string;
  readonly isFilter: boolean;
  /** `function f($a, $b) { }`: parameters declared with the name. */
  readonly parameters?: readonly Parameter[];
  readonly body: ScriptBlock;
}

export interface FlowControl extends Node {
  readonly type: 'Return' | 'Exit' | 'Throw' | 'Break' | 'Continue';
  /** The value (return/exit/throw) or the label (break/continue, a bareword or expression). */
  readonly value?: Pipeline | Assignment;
  readonly label?: string;
}


// ---- expressions ------------------------------------------------------------------------

export type Expression =
  | Constant
  | StringConstant
  | ExpandableString
  | Variable
  | ArrayLiteral
  | ArrayExpression
  | SubExpression
  | Paren
  | Hashtable
  | ScriptBlockExpression
  | TypeExpression
  | Convert
  | Unary
  | Binary
  | MemberAccess
  | InvokeMember
  | Index;

export interface Constant extends Node {
  readonly type: 'Constant';
  readonly value: number | boolean | null;
}

export interface StringConstant extends Node {
  readonly type: 'StringConstant';
  readonly value: string;
  /** 'bare': a command-mode word (a command name or argument). */
  readonly quote: 'single' | 'double' | 'bare' | 'here';
}

export interface ExpandableString extends Node {
  readonly type: 'ExpandableString';
  readonly parts: ReadonlyArray<string | Expression>;
  readonly quote: 'double' | 'bare' | 'here';
}

export interface Variable extends Node {
  readonly type: 'Variable';
  /** With any scope or drive prefix: 'env:COMPUTERNAME', 'script:x', '_'. */
  readonly name: string;
  readonly splatted: boolean;
}

export interface ArrayLiteral extends Node {
  readonly type: 'ArrayLiteral';
  readonly elements: readonly Expression[];
}

export interface ArrayExpression extends Node {
  readonly type: 'ArrayExpression';
  readonly body: StatementBlock;
}

export interface SubExpression extends Node {
  readonly type: 'SubExpression';
  readonly body: StatementBlock;
}

export interface Paren extends Node {
  readonly type: 'Paren';
  readonly pipeline: Pipeline | Assignment;
}

export interface Hashtable extends Node {
  readonly type: 'Hashtable';
  readonly pairs: ReadonlyArray<{ readonly key: Expression; readonly value: Statement }>;
}

export interface ScriptBlockExpression extends Node {
  readonly type: 'ScriptBlockExpression';
  readonly block: ScriptBlock;
}

export interface TypeExpression extends Node {
  readonly type: 'TypeExpression';
  /** As written between the brackets: 'int', 'System.Management.Automation.PSCredential', 'string[]'. */
  readonly typeName: string;
}

export interface Convert extends Node {
  readonly type: 'Convert';
  readonly typeName: string;
  readonly operand: Expression;
}

export type UnaryOperator = '-not' | '!' | '-bnot' | '-' | '+' | ',' | '-split' | '-isplit' | '-csplit' | '-join' | '++pre' | '--pre' | '++post' | '--post';

export interface Unary extends Node {
  readonly type: 'Unary';
  readonly operator: UnaryOperator;
  readonly operand: Expression;
}

export interface Binary extends Node {
  readonly type: 'Binary';
  /** '+', '-', '*', '/', '%', '..', or a dash operator's name as written in lower case ('eq', 'ceq', 'f', 'and'). */
  readonly operator: string;
  readonly left: Expression;
  readonly right: Expression;
  /** The extent of the operator token (errors about an operator point at it). */
  readonly operatorExtent: Extent;
}

export interface MemberAccess extends Node {
  readonly type: 'MemberAccess';
  readonly target: Expression;
  /** A StringConstant for `.Name`; any expression for `.$name` or `.('x')`. */
  readonly member: Expression;
  readonly isStatic: boolean;
}

export interface InvokeMember extends Node {
  readonly type: 'InvokeMember';
  readonly target: Expression;
  readonly member: Expression;
  readonly args: readonly Expression[];
  readonly isStatic: boolean;
}

export interface Index extends Node {
  readonly type: 'Index';
  readonly target: Expression;
  readonly index: Expression;
}
