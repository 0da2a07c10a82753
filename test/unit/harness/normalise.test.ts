import { canonicalTree, serializeCanonical } from '../../../src/harness/canonical';
import { CassetteRecorder } from '../../../src/harness/recorder';
import { Bindings, Normaliser } from '../../../src/harness/placeholders';
import { REDACTED, SecretSet, redactCommandLine, redactRequest } from '../../../src/harness/secrets';

const S = 'http://www.w3.org/2003/05/soap-envelope';
const A = 'http://schemas.xmlsoap.org/ws/2004/08/addressing';
const W = 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd';
const RSP = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell';
const CLS = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_IPAM_Server';

const SHELL = '0E4BBC67-2A83-4D6C-8BB0-8A15B4E45D35';
const COMMAND = '1a2b3c4d-0000-4000-8000-00000000abcd';

function env(header: string, body: string): string {
  return `<s:Envelope xmlns:s="${S}" xmlns:a="${A}" xmlns:w="${W}" xmlns:rsp="${RSP}"><s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}

const sequential = (): (() => string) => {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
};

describe('normalisation of volatile values', () => {
  test('a ShellId keeps its identity: the placeholder its Create reply gets is the one later requests carry, in any case', () => {
    const n = new Normaliser();
    const create = n.normaliseExchange(
      canonicalTree(env('<a:MessageID>uuid:AAAA0000-0000-4000-8000-000000000001</a:MessageID>', '<rsp:Shell/>')),
      canonicalTree(
        env(
          '<a:MessageID>uuid:BBBB0000-0000-4000-8000-000000000002</a:MessageID><a:RelatesTo>uuid:AAAA0000-0000-4000-8000-000000000001</a:RelatesTo>',
          `<x:ResourceCreated xmlns:x="http://schemas.xmlsoap.org/ws/2004/09/transfer"><w:SelectorSet><w:Selector Name="ShellId">${SHELL}</w:Selector></w:SelectorSet></x:ResourceCreated><rsp:Shell><rsp:ShellId>${SHELL}</rsp:ShellId></rsp:Shell>`,
        ),
      ),
    );
    const reply = serializeCanonical(create.reply as never);
    expect(reply).toContain('<a:RelatesTo>{{MessageID-1}}</a:RelatesTo>');
    expect(reply).toContain('<a:MessageID>{{MessageID-2}}</a:MessageID>');
    expect(reply).toContain('<w:Selector Name="ShellId">{{ShellId-1}}</w:Selector>');
    expect(reply).toContain('<rsp:ShellId>{{ShellId-1}}</rsp:ShellId>');
    expect(reply).not.toContain(SHELL);

    // A later request names the shell (lower case this time) and a command the reply hands out.
    const command = n.normaliseExchange(
      canonicalTree(
        env(
          `<a:MessageID>uuid:cccc0000-0000-4000-8000-000000000003</a:MessageID><w:SelectorSet><w:Selector Name="ShellId">${SHELL.toLowerCase()}</w:Selector></w:SelectorSet>`,
          `<rsp:CommandLine><rsp:Command>echo ${SHELL}</rsp:Command></rsp:CommandLine>`,
        ),
      ),
      canonicalTree(env('', `<rsp:CommandResponse><rsp:CommandId>${COMMAND}</rsp:CommandId></rsp:CommandResponse>`)),
    );
    const request = serializeCanonical(command.request);
    expect(request).toContain('<w:Selector Name="ShellId">{{ShellId-1|lc}}</w:Selector>');
    // Once known, a GUID is replaced wherever it appears, even outside the identifier sites.
    expect(request).toContain('<rsp:Command>echo {{ShellId-1}}</rsp:Command>');
    expect(request).toContain('<a:MessageID>{{MessageID-3}}</a:MessageID>');
    expect(serializeCanonical(command.reply as never)).toContain('<rsp:CommandId>{{CommandId-1|lc}}</rsp:CommandId>');
  });

  test('two different GUIDs are two placeholders; a job id keeps its text around the GUID; dates of both forms become placeholders', () => {
    const n = new Normaliser();
    const job1 = 'IPAM:Job:11111111-2222-4333-8444-555555555555';
    const job2 = 'IPAM:Job:66666666-7777-4888-8999-000000000000';
    const out = n.normaliseExchange(
      canonicalTree(env('', '<q/>')),
      canonicalTree(
        env(
          '',
          `<p:J xmlns:p="${CLS}"><p:InstanceID>${job1}</p:InstanceID><p:Other>${job2}</p:Other><p:InstanceID>${job2}</p:InstanceID>` +
            '<p:TimeSubmitted>2026-05-01T10:00:00.123Z</p:TimeSubmitted><p:StartTime>20260501100000.123000+000</p:StartTime><p:Again>2026-05-01T10:00:00.123Z</p:Again></p:J>',
        ),
      ),
    );
    const text = serializeCanonical(out.reply as never);
    expect(text).toContain('<ns0:InstanceID>IPAM:Job:{{InstanceID-1}}</ns0:InstanceID>');
    expect(text).toContain('<ns0:Other>IPAM:Job:{{InstanceID-2}}</ns0:Other>');
    expect(text).toContain('<ns0:TimeSubmitted>{{dateTime-1}}</ns0:TimeSubmitted>');
    expect(text).toContain('<ns0:StartTime>{{cimDateTime-1}}</ns0:StartTime>');
    expect(text).toContain('<ns0:Again>{{dateTime-1}}</ns0:Again>');
  });

  test('a GUID outside every identifier site, never seen at one, is left as it is', () => {
    const n = new Normaliser();
    const out = n.normaliseExchange(canonicalTree(env('', '<q>11111111-2222-4333-8444-555555555555</q>')), undefined);
    expect(serializeCanonical(out.request)).toContain('<q>11111111-2222-4333-8444-555555555555</q>');
  });
});

describe('bindings: matching recorded text against a live run, and filling placeholders in', () => {
  test('a placeholder binds to the live value; the bound value must agree afterwards; a fresh one is minted when rendering', () => {
    const b = new Bindings({ uuid: sequential(), now: () => new Date('2026-05-01T10:00:00Z') });
    const live = 'abcdef00-1111-4222-8333-444455556666';
    const c = b.match('<w:Selector Name="ShellId">{{ShellId-1}}</w:Selector>', `<w:Selector Name="ShellId">${live}</w:Selector>`);
    expect(c).toEqual([['ShellId-1', live]]);
    b.commit(c ?? []);
    expect(b.match('x {{ShellId-1}}', `x ${live.toUpperCase()}`)).toEqual([]);
    expect(b.match('x {{ShellId-1}}', 'x 00000000-0000-4000-8000-000000000009')).toBeUndefined();
    // A live value bound to one placeholder does not stand for another.
    expect(b.match('{{ShellId-2}}', live)).toBeUndefined();
    // Rendering: bound values in the placeholder's case; fresh GUIDs, MessageIDs and dates otherwise.
    expect(b.render('{{ShellId-1}}|{{ShellId-1|lc}}')).toBe(`${live.toUpperCase()}|${live}`);
    expect(b.render('{{CommandId-4}} {{MessageID-9}} {{dateTime-1}} {{cimDateTime-2}}')).toBe(
      '00000000-0000-4000-8000-000000000001 uuid:00000000-0000-4000-8000-000000000002 2026-05-01T10:00:00.000Z 20260501100000.000000+000',
    );
    // Rendered once, the same value thereafter.
    expect(b.render('{{CommandId-4}}')).toBe('00000000-0000-4000-8000-000000000001');
  });

  test('dates match any date of their form and bind nothing; text outside placeholders must be equal', () => {
    const b = new Bindings({ uuid: sequential(), now: () => new Date(0) });
    expect(b.match('<t>{{dateTime-1}}</t>', '<t>2027-01-02T03:04:05+01:00</t>')).toEqual([]);
    expect(b.match('<t>{{cimDateTime-1}}</t>', '<t>20270102030405.000000-060</t>')).toEqual([]);
    expect(b.match('<t>{{dateTime-1}}</t>', '<t>yesterday</t>')).toBeUndefined();
    expect(b.match('<t a="1">{{dateTime-1}}</t>', '<t a="2">2027-01-02T03:04:05Z</t>')).toBeUndefined();
    expect(b.match('plain', 'plain')).toEqual([]);
    expect(b.match('plain', 'other')).toBeUndefined();
  });
});

describe('secrets', () => {
  test('DatabaseCredential and any Password- or Credential-named parameter, option or selector is <redacted>; the password is scrubbed from the reply', () => {
    const secrets = new SecretSet();
    const request = redactRequest(
      canonicalTree(
        env(
          '<w:OptionSet><w:Option Name="AdminPassword">Opt-Secret-1</w:Option><w:Option Name="Locale">en-US</w:Option></w:OptionSet>',
          `<p:InvokeIpamServerProvisioning_INPUT xmlns:p="${CLS}"><p:DatabaseCredential>sa:Sa-Passw0rd!</p:DatabaseCredential>` +
            '<p:Cred><p:UserName>CONTOSO\\svc</p:UserName><p:Password>Embedded-Secret</p:Password></p:Cred><p:DatabaseName>IPAM</p:DatabaseName></p:InvokeIpamServerProvisioning_INPUT>',
        ),
      ),
      secrets,
    );
    const text = serializeCanonical(request);
    for (const secret of ['Sa-Passw0rd!', 'Opt-Secret-1', 'Embedded-Secret']) expect(text).not.toContain(secret);
    expect(text).toContain('<ns0:DatabaseCredential>&lt;redacted&gt;</ns0:DatabaseCredential>');
    expect(text).toContain('<ns0:UserName>CONTOSO\\svc</ns0:UserName>');
    expect(text).toContain('<w:Option Name="Locale">en-US</w:Option>');
    // A reply that echoes the password (an error message) loses it; the user name stays.
    expect(secrets.scrub("Login failed for user 'sa' with password Sa-Passw0rd!.")).toBe(`Login failed for user 'sa' with password ${REDACTED}.`);
  });

  test('WinRS command lines: -…Password/-…Credential arguments, ConvertTo-SecureString text and -EncodedCommand scripts', () => {
    const secrets = new SecretSet();
    const script = "$p = ConvertTo-SecureString 'Ps-Secret-9' -AsPlainText -Force; Invoke-IpamServerProvisioning -DatabaseCredential:'sa:Cli-Secret-3' -Force";
    const encoded = Buffer.from(script, 'utf16le').toString('base64');
    const line = redactCommandLine(`powershell -NoProfile -EncodedCommand ${encoded}`, secrets);
    const decoded = Buffer.from(line.split(' ').pop() as string, 'base64').toString('utf16le');
    expect(decoded).toBe(`$p = ConvertTo-SecureString '${REDACTED}' -AsPlainText -Force; Invoke-IpamServerProvisioning -DatabaseCredential:'${REDACTED}' -Force`);
    expect(redactCommandLine('net user bob "Net Secret" /add -Password Plain-Secret-7', secrets)).toBe(`net user bob "Net Secret" /add -Password ${REDACTED}`);
    // A variable holds no literal: left alone.
    expect(redactCommandLine('Invoke-X -Credential $cred', secrets)).toBe('Invoke-X -Credential $cred');
    expect(secrets.scrub('Ps-Secret-9 Cli-Secret-3 Plain-Secret-7')).toBe(`${REDACTED} ${REDACTED} ${REDACTED}`);
  });

  test('the recorder scrubs the passwords it is given from requests and replies, base64 streams included', () => {
    const recorder = new CassetteRecorder({ secrets: ['Target-Pw-1'] });
    const stdout = Buffer.from('the password is Target-Pw-1\r\n').toString('base64');
    const entry = recorder.record(recorder.reserve(), {
      requestXml: env('<a:MessageID>uuid:1</a:MessageID>', '<rsp:Receive><rsp:Note>Target-Pw-1</rsp:Note></rsp:Receive>'),
      unauthenticated: false,
      status: 200,
      contentType: 'application/soap+xml;charset=UTF-8',
      replyText: env('', `<rsp:ReceiveResponse><rsp:Stream Name="stdout" CommandId="${COMMAND}">${stdout}</rsp:Stream></rsp:ReceiveResponse>`),
    });
    const all = JSON.stringify(recorder.cassette());
    expect(all).not.toContain('Target-Pw-1');
    const b64 = /Name="stdout">([^<]+)</.exec(entry?.reply.body ?? '')?.[1] as string;
    expect(Buffer.from(b64, 'base64').toString('utf8')).toBe(`the password is ${REDACTED}\r\n`);
  });
});
