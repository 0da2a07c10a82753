import { PsErrorRecord } from '../../../../src/powershell/runtime/values';
import type { PsProgressRecord } from '../../../../src/powershell/runtime/commands';
import { CLIXML_NAMESPACE, ClixmlStderr, encodeClixmlString } from '../../../../src/powershell/format/clixml';
import { attr, childrenNamed, parseXml, textOf } from '../../../../src/xml/parse';

/** pywinrm Session._clean_error_msg: every <S> text joined, _x000D__x000A_ made a line feed, stripped. */
function pywinrmClean(stderr: string): string {
  if (!stderr.startsWith('#< CLIXML\r\n')) return stderr;
  const root = parseXml(stderr.slice(11));
  const text = childrenNamed(root, CLIXML_NAMESPACE, 'S')
    .map((s) => textOf(s).split('_x000D__x000A_').join('\n'))
    .join('');
  return text.length ? text.trim() : stderr;
}

/** Ansible's _parse_clixml (lib/ansible/plugins/shell/powershell.py): only S="Error", every _xHHHH_ back to its UTF-16 unit. */
function ansibleParseClixml(stderr: string, stream = 'Error'): string {
  const lines: string[] = [];
  let data = stderr;
  while (data) {
    const start = data.indexOf('<Objs ');
    let end = data.indexOf('</Objs>');
    if (start === -1 || end === -1) break;
    end += 7;
    const root = parseXml(data.slice(start, end));
    data = data.slice(end);
    const entries = childrenNamed(root, CLIXML_NAMESPACE, 'S');
    if (entries.length === 0) continue;
    if (lines.length) lines.push('\r\n');
    for (const s of entries) {
      if (attr(s, '', 'S') !== stream) continue;
      lines.push(textOf(s).replace(/_x([0-9a-fA-F]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
    }
  }
  return lines.join('');
}

const PREPARING: PsProgressRecord = {
  activityId: 0,
  parentActivityId: -1,
  activity: 'Preparing modules for first use.',
  statusDescription: ' ',
  percentComplete: -1,
  secondsRemaining: -1,
  recordType: 'Completed',
};

const fake = new PsErrorRecord({
  exceptionType: 'System.Management.Automation.CommandNotFoundException',
  message:
    "The term 'fake' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.",
  errorId: 'CommandNotFoundException',
  category: 'ObjectNotFound',
  targetObject: 'fake',
  invocation: { commandName: 'fake', line: 1, column: 1, lineText: 'fake cmdlet', length: 4 },
});

/** diyan/pywinrm winrm/tests/test_session.py, test_decode_clixml_error: recorded powershell.exe stderr. */
const RECORDED_FAKE =
  '#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN><MS><I64 N="SourceId">1</I64><PR N="Record"><AV>Preparing modules for first use.</AV><AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC><T>Completed</T><SR>-1</SR><SD> </SD></PR></MS></Obj><Obj S="progress" RefId="1"><TNRef RefId="0" /><MS><I64 N="SourceId">1</I64><PR N="Record"><AV>Preparing modules for first use.</AV><AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC><T>Completed</T><SR>-1</SR><SD> </SD></PR></MS></Obj><S S="Error">fake : The term \'fake\' is not recognized as the name of a cmdlet, function, script file, or operable program. Check _x000D__x000A_</S><S S="Error">the spelling of the name, or if a path was included, verify that the path is correct and try again._x000D__x000A_</S><S S="Error">At line:1 char:1_x000D__x000A_</S><S S="Error">+ fake cmdlet_x000D__x000A_</S><S S="Error">+ ~~~~_x000D__x000A_</S><S S="Error">    + CategoryInfo          : ObjectNotFound: (fake:String) [], CommandNotFoundException_x000D__x000A_</S><S S="Error">    + FullyQualifiedErrorId : CommandNotFoundException_x000D__x000A_</S><S S="Error"> _x000D__x000A_</S></Objs>';

function capture(options: ConstructorParameters<typeof ClixmlStderr>[1] = {}): { chunks: string[]; stderr: ClixmlStderr } {
  const chunks: string[] = [];
  return { chunks, stderr: new ClixmlStderr((c) => chunks.push(c), options) };
}

describe('CLIXML on stderr', () => {
  it('writes the recorded unknown-command stderr byte for byte, after two module-autoload progress records', () => {
    const { chunks, stderr } = capture({ bufferWidth: 120 });
    stderr.progress(1, PREPARING);
    stderr.progress(1, PREPARING);
    stderr.error(fake);
    stderr.close();
    expect(chunks.join('')).toBe(RECORDED_FAKE);
    expect(chunks[0]).toBe('#< CLIXML\r\n');
  });

  it("gives pywinrm's cleaner and Ansible's the error text", () => {
    const { chunks, stderr } = capture({ bufferWidth: 120 });
    stderr.progress(1, PREPARING);
    stderr.error(fake);
    stderr.close();
    const text = chunks.join('');
    expect(pywinrmClean(text)).toBe(
      "fake : The term 'fake' is not recognized as the name of a cmdlet, function, script file, or operable program. Check \nthe spelling of the name, or if a path was included, verify that the path is correct and try again.\nAt line:1 char:1\n+ fake cmdlet\n+ ~~~~\n    + CategoryInfo          : ObjectNotFound: (fake:String) [], CommandNotFoundException\n    + FullyQualifiedErrorId : CommandNotFoundException",
    );
    expect(ansibleParseClixml(text)).toBe(
      "fake : The term 'fake' is not recognized as the name of a cmdlet, function, script file, or operable program. Check \r\nthe spelling of the name, or if a path was included, verify that the path is correct and try again.\r\nAt line:1 char:1\r\n+ fake cmdlet\r\n+ ~~~~\r\n    + CategoryInfo          : ObjectNotFound: (fake:String) [], CommandNotFoundException\r\n    + FullyQualifiedErrorId : CommandNotFoundException\r\n \r\n",
    );
    // Ansible keeps the XML on the line after the header: the document must hold no raw line break.
    expect(text.slice('#< CLIXML\r\n'.length)).not.toMatch(/[\r\n]/);
  });

  it('writes nothing at all when no record came', () => {
    const { chunks, stderr } = capture();
    stderr.close();
    expect(chunks).toEqual([]);
  });

  it('writes warning, verbose and debug messages bare, and skips the empty lines of an error', () => {
    const { chunks, stderr } = capture();
    stderr.warning('You must restart this server to finish the installation process.');
    stderr.verbose('v');
    stderr.debug('');
    stderr.errorLine('');
    stderr.errorLine('e');
    stderr.close();
    expect(chunks.join('')).toBe(
      '#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><S S="warning">You must restart this server to finish the installation process.</S><S S="verbose">v</S><S S="debug" /><S S="Error">e_x000D__x000A_</S></Objs>',
    );
  });

  it('writes a progress record with its current operation and percentage', () => {
    const { chunks, stderr } = capture();
    stderr.progress(2, { ...PREPARING, activityId: 3, activity: 'Installing', statusDescription: 'Feature <IPAM> & tools', currentOperation: 'step_x', percentComplete: 40, recordType: 'Processing' });
    expect(chunks[1]).toContain(
      '<MS><I64 N="SourceId">2</I64><PR N="Record"><AV>Installing</AV><AI>3</AI><S>step_x005F_x</S><PI>-1</PI><PC>40</PC><T>Processing</T><SR>-1</SR><SD>Feature &lt;IPAM&gt; &amp; tools</SD></PR></MS>',
    );
  });

  it('serialises Write-Host as an information record tagged PSHOST (5.1 also prints it on stdout)', () => {
    const { chunks, stderr } = capture({
      host: { user: 'EVO-X2\\segfo', computer: 'EVO-X2', processId: 33348, nativeThreadId: 39168, managedThreadId: 13 },
      now: () => new Date(Date.UTC(2026, 9, 7, 0, 4, 31, 426)),
      utcOffset: () => 540,
    });
    stderr.progress(1, PREPARING);
    stderr.information({ text: 'hello', fromHost: true });
    stderr.information({ text: 'i1', fromHost: false });
    stderr.close();
    const xml = chunks.join('');
    // Recorded from 5.1 (`Write-Host hello` under -EncodedCommand); the fraction there has microseconds.
    expect(xml).toContain(
      '<Obj S="information" RefId="1"><TN RefId="1"><T>System.Management.Automation.InformationRecord</T><T>System.Object</T></TN><ToString>hello</ToString><Props><Obj N="MessageData" RefId="2"><TN RefId="2"><T>System.Management.Automation.HostInformationMessage</T><T>System.Object</T></TN><ToString>hello</ToString><Props><S N="Message">hello</S><B N="NoNewLine">false</B><S N="ForegroundColor">Gray</S><S N="BackgroundColor">Black</S></Props></Obj><S N="Source">Write-Host</S><DT N="TimeGenerated">2026-10-07T09:04:31.426+09:00</DT><Obj N="Tags" RefId="3"><TN RefId="3"><T>System.Collections.Generic.List`1[[System.String, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]</T><T>System.Object</T></TN><LST><S>PSHOST</S></LST></Obj><S N="User">EVO-X2\\segfo</S><S N="Computer">EVO-X2</S><U32 N="ProcessId">33348</U32><U32 N="NativeThreadId">39168</U32><U32 N="ManagedThreadId">13</U32></Props></Obj>',
    );
    expect(xml).toContain('<Obj S="information" RefId="4"><TNRef RefId="1" /><ToString>i1</ToString><Props><S N="MessageData">i1</S><S N="Source">Write-Information</S>');
    expect(xml).toContain('<Obj N="Tags" RefId="5"><TNRef RefId="3" /><LST /></Obj>');
    // Neither client takes information records for error text.
    expect(ansibleParseClixml(xml)).toBe('');
  });

  it('refuses to write after close', () => {
    const { stderr } = capture();
    stderr.warning('x');
    stderr.close();
    expect(() => stderr.warning('y')).toThrow(/after close/);
  });
});

describe('CLIXML string encoding (InternalSerializer.EncodeString)', () => {
  it('escapes control characters, C1 controls and every surrogate as upper-case _xHHHH_', () => {
    expect(encodeClixmlString('a\r\nb\t\u0000\u007f\u0085')).toBe('a_x000D__x000A_b_x0009__x0000__x007F__x0085_');
    expect(encodeClixmlString('\u{1F600}')).toBe('_xD83D__xDE00_');
  });

  it('escapes an underscore only before x or X', () => {
    expect(encodeClixmlString('_x000D_ _X a_b _')).toBe('_x005F_x000D_ _x005F_X a_b _');
  });

  it('round-trips through the clients: Ansible restores every character', () => {
    const { chunks, stderr } = capture();
    const tricky = 'tab\there <a & b> _x000A_ \u{1F600} é';
    stderr.errorLine(tricky);
    stderr.close();
    expect(ansibleParseClixml(chunks.join(''))).toBe(`${tricky}\r\n`);
  });
});
