/**
 * Parse errors as PowerShell reports them: an id and a message from
 * ParserStrings.resx (PowerShell/PowerShell, src/System.Management.Automation/resources),
 * at an extent of the script. A script with parse errors never runs; the host
 * gets one ErrorRecord built the way ParseException builds it.
 */
import { PsErrorRecord } from '../runtime/values';
import { type Extent, type SourceText, positionInfo, positionMessage } from './extent';

export interface ParseErrorInfo {
  readonly id: string;
  readonly message: string;
  readonly extent: Extent;
}

/** Thrown by parse() when the script has errors; `errors` in the order found. */
export class PsParseError extends Error {
  constructor(
    readonly source: SourceText,
    readonly errors: readonly ParseErrorInfo[],
  ) {
    super(parseErrorMessage(source, errors));
    this.name = 'PsParseError';
  }

  get errorId(): string {
    return this.errors[0].id;
  }

  /** The ErrorRecord PowerShell gives for it (see parseErrorRecord). */
  toErrorRecord(): PsErrorRecord {
    return parseErrorRecord(this);
  }
}

/** Texts of ParserStrings.resx, by their resource name (the error id). */
export const PARSER_MESSAGES = {
  TerminatorExpectedAtEndOfString: (terminator: string) => `The string is missing the terminator: ${terminator}.`,
  MissingEndCurlyBrace: () => "Missing closing '}' in statement block or type definition.",
  MissingEndParenthesisInExpression: () => "Missing closing ')' in expression.",
  MissingEndParenthesisInSubexpression: () => "Missing closing ')' in subexpression.",
  MissingEndParenthesisInMethodCall: () => "Missing ')' in method call.",
  MissingEndSquareBracket: () => "Missing ']' after array index expression.",
  EndSquareBracketExpectedAtEndOfAttribute: () => 'Missing ] at end of attribute or type literal.',
  UnexpectedToken: (token: string) => `Unexpected token '${token}' in expression or statement.`,
  ExpectedValueExpression: (operator: string) => `You must provide a value expression following the '${operator}' operator.`,
  MissingExpressionAfterOperator: (operator: string) => `Missing expression after unary operator '${operator}'.`,
  MissingExpressionAfterToken: (token: string) => `Missing expression after '${token}'.`,
  MissingExpression: (token: string) => `Missing expression after '${token}' in pipeline element.`,
  ExpectedExpression: () => "An expression was expected after '('.",
  MissingArgument: () => 'Missing argument in parameter list.',
  EmptyPipeElement: () => 'An empty pipe element is not allowed.',
  ExpressionsMustBeFirstInPipeline: () => 'Expressions are only allowed as the first element of a pipeline.',
  MissingPropertyName: () => 'Missing property name after reference operator.',
  MissingArrayIndexExpression: () => 'Array index expression is missing or not valid.',
  MissingKeyInHashLiteral: () => "Missing key before '=' in hash literal.",
  MissingEqualsInHashLiteral: () => "Missing '=' operator after key in hash literal.",
  MissingStatementInHashLiteral: () => "Missing statement after '=' in hash literal.",
  DuplicateKeyInHashLiteral: (key: string) => `Duplicate keys '${key}' are not allowed in hash literals.`,
  InvalidLeftHandSide: () =>
    'The assignment expression is not valid. The input to an assignment operator must be an object that is able to accept assignments, such as a variable or a property.',
  OperatorRequiresVariableOrProperty: (operator: string) => `The '${operator}' operator works only on variables or on properties.`,
  SplattingNotPermitted: (name: string) =>
    `The splatting operator '@' cannot be used to reference variables in an expression. '@${name}' can be used only as an argument to a command. To reference variables in an expression use '$${name}'.`,
  MissingOpenParenthesisInIfStatement: (keyword: string) => `Missing '(' after '${keyword}' in if statement.`,
  IfStatementMissingCondition: (keyword: string) => `Missing condition in if statement after '${keyword} ('.`,
  MissingEndParenthesisAfterStatement: (keyword: string) => `Missing closing ')' after expression in '${keyword}' statement.`,
  MissingStatementBlock: (keyword: string) => `Missing statement block after ${keyword} ( condition ).`,
  MissingStatementBlockAfterElse: () => "Missing statement block after 'else' keyword.",
  MissingOpenParenthesisAfterKeyword: (keyword: string) => `Missing opening '(' after keyword '${keyword}'.`,
  MissingVariableNameAfterForeach: () => 'Missing variable name after foreach.\nThe correct form is: foreach ($a in $b) {...}',
  MissingInInForeach: () => "Missing 'in' after variable in foreach loop.\nThe correct form is: foreach ($a in $b) {...}",
  MissingForeachExpression: () => 'Missing expression in foreach loop.\nThe correct form is: foreach ($a in $b) {...}',
  MissingEndParenthesisAfterForeach: () => "Missing closing ')' after expression part of foreach loop.\nThe correct form is: foreach ($a in $b) {...}",
  MissingForeachStatement: () => 'Missing statement body in foreach loop.\nThe correct form is: foreach ($a in $b) {...}',
  MissingExpressionAfterKeyword: (keyword: string) => `Missing expression after '${keyword}' in loop.`,
  MissingLoopStatement: (keyword: string) => `Missing statement body in ${keyword} loop.`,
  MissingWhileOrUntilInDoWhile: () => 'Missing while or until keyword in do loop.',
  MissingTryStatementBlock: () => 'The Try statement is missing its statement block.',
  MissingCatchOrFinally: () => 'The Try statement is missing its Catch or Finally block.',
  MissingCatchHandlerBlock: () => 'The Catch block is missing its statement block.',
  MissingFinallyStatementBlock: () => 'The Finally block is missing its statement block.',
  EmptyCatchNotLast: () => 'Catch block must be the last catch block.',
  MissingTypename: () => "Missing type name after '['.",
  MissingNameAfterKeyword: (keyword: string) => `Missing name after ${keyword} keyword.`,
  MissingFunctionBody: () => 'Missing function body in function declaration.',
  MissingEndParenthesisInFunctionParameterList: () => "Missing ')' in function parameter list.",
  InvalidFunctionParameter: () => 'Parameter declarations are a comma-separated list of variable names with optional initializer expressions.',
  DuplicateFormalParameter: (name: string) => `Duplicate parameter $${name} in parameter list.`,
  MissingSwitchConditionExpression: () => 'Missing condition in switch statement clause.',
  MissingSwitchStatementClause: () => 'Missing statement block in switch statement clause.',
  MissingCurlyBraceInSwitchStatement: () => "Missing '{' in switch statement.",
  MissingEndParenthesisInSwitchStatement: () => "Missing ')' after expression in switch statement.",
  PipelineValueRequired: () => "A switch statement must have one of the following:  '-file file_name' or '( expression )'.",
  MissingSwitchValueExpression: () => "Missing expression after '(' in switch statement.",
  MultipleSwitchDefaultClauses: () => 'A switch statement can have only one default clause.',
  InvalidSwitchFlag: (flag: string) => `The parameter ${flag} is not valid for the switch statement.`,
  MissingFileSpecification: () => 'Missing file specification after redirection operator.',
  RedirectionNotSupported: (operator: string) => `The '${operator}' operator is reserved for future use.`,
  InvalidEndOfLine: (token: string) => `The token '${token}' is not a valid statement separator in this version.`,
  /** ParserStrings.AmpersandNotAllowed (Windows PowerShell 5.1; PowerShell 7 made `&` the background operator). */
  AmpersandNotAllowed: () =>
    'The ampersand (&) character is not allowed. The & operator is reserved for future use; wrap an ampersand in double quotation marks ("&") to pass it as part of a string.',
  ReservedKeywordNotAllowed: (keyword: string) => `The '${keyword}' keyword is not supported in this version of the language.`,
  UnexpectedKeyword: (keyword: string) => `Unexpected keyword '${keyword}'.`,
  MissingStatementTerminator: () => 'Missing a newline or semicolon.',
  MissingTerminatorMultiLineComment: () => "The terminator '#>' is missing from the multiline comment.",
  UnexpectedCharactersAfterHereStringHeader: () => 'No characters are allowed after a here-string header but before the end of the line.',
  IncompleteDollarSubexpressionReference: () => "$(subexpression) is missing the closing ')'.",
  EmptyVariableReference: () => 'An empty ${} variable reference was found. A name is required inside the braces.',
  InvalidVariableReference: () => "Variable reference is not valid. '$' was not followed by a valid variable name character. Consider using ${} to delimit the name.",
  InvalidVariableReferenceWithDrive: () => "Variable reference is not valid. ':' was not followed by a valid variable name character. Consider using ${} to delimit the name.",
  IncompleteDollarVariableReference: () => "${variable} reference starting is missing the closing '}'.",
  BadNumericConstant: (text: string) => `The numeric constant ${text} is not valid.`,
  ParameterAttributeArgumentNeedsToBeConstant: () => 'Attribute argument must be a constant.',
  MissingNamedStatementBlock: (name: string) => `Missing statement block after '${name}'.`,
  /**
   * PowerShell's parser reports this when it runs out of stack (Parser.cs, on
   * InsufficientExecutionStackException). We raise it for nesting deeper than
   * MAX_NESTING_DEPTH and for scripts larger than MAX_SCRIPT_LENGTH, before
   * the JavaScript stack or the heap is at risk.
   */
  ScriptTooComplicated: () => 'Processing was stopped because the script is too complex.',
} as const;

export type ParseErrorId = keyof typeof PARSER_MESSAGES;

/** ParseException.Message: each error's position message and text, blank-line separated, at most 10 (ParserStrings.TooManyErrors). */
export function parseErrorMessage(source: SourceText, errors: readonly ParseErrorInfo[]): string {
  const shown = errors.slice(0, 10).map((e) => `${positionMessage({ ...positionInfo(source, e.extent), scriptName: source.scriptName })}\n${e.message}`);
  if (errors.length > 10) shown.push('Not all parse errors were reported.  Correct the reported errors and try again.');
  return shown.join('\n\n');
}

/**
 * The ErrorRecord of a script that does not parse, as powershell.exe reports it:
 * message = the position text plus the message of each error, category
 * ParserError, reason ParentContainsErrorRecordException, errorId = the first
 * error's id, and no invocation info (the position is in the message already).
 */
export function parseErrorRecord(error: PsParseError): PsErrorRecord {
  return new PsErrorRecord({
    exceptionType: 'System.Management.Automation.ParseException',
    message: error.message,
    errorId: error.errorId,
    category: 'ParserError',
    reason: 'ParentContainsErrorRecordException',
  });
}
