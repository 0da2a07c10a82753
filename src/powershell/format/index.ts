/**
 * How PowerShell 5.1 turns objects and stream records into text: Out-Default's formatting,
 * the error view, the CLIXML of powershell.exe's stderr, ConvertTo-Json, and the cmdlets that
 * expose them. See docs/powershell-output.md.
 */
export { OutDefaultFormatter, formatForHost, joinLines, writeHostText, CRLF, type OutputFormatOptions, type FormatParameters } from './outDefault';
export { errorViewLines, errorViewText, categoryInfoMessage, streamRecordText, type ErrorViewWidth } from './errorView';
export { positionMessage, parseErrorMessage, type ParseErrorInfo } from './position';
export { ClixmlStderr, encodeClixmlString, CLIXML_HEADER, CLIXML_OPEN, CLIXML_CLOSE, CLIXML_NAMESPACE, type ClixmlStderrOptions, type ClixmlHostIdentity, type InformationMessage } from './clixml';
export { convertToJson, prettyPrintJson, jsonString, JsonConversionError, DEFAULT_JSON_DEPTH, MAX_JSON_DEPTH, type ConvertToJsonOptions } from './json';
export { toDisplayString, cellText, typeNamesOf, dictionaryEntry, DEFAULT_DISPLAY, type DisplaySettings } from './text';
export { shortDateTime, longDateTime, roundtripDateTime, UTC, type UtcOffset } from './dates';
export { formatDoubleG, formatDoubleR, formatNumber } from './numbers';
export { formatObject, formatPacketOf } from './formatObjects';
export { BUILTIN_VIEWS, type FormatView, type FormatViewColumn } from './views';
export { createFormatModules, type FormatModules } from './commands/module';
export { FormatCommandError, type FormatCommandsHost } from './commands/support';
export * from './ipamViews';
