/**
 * What Invoke-IpamServerProvisioning's twin puts on the wire: the credential
 * escaping, the method arguments, and the OptionSet, read back from the
 * envelope as a server reads it (by namespace and local name).
 */
import {
  escapeCredentialUser,
  formatDatabaseCredential,
  isFinished,
  jobReferenceOf,
  jobStateName,
  provisioningArguments,
  provisioningOptions,
  readJob,
  IPAM_SERVER_URI,
} from '../../../src/client/ipam';
import { buildEnvelope, writeMethodInput } from '../../../src/client/envelope';
import { NS } from '../../../src/wsman/namespaces';
import { attr, child, childrenNamed, elements, parseXml, textOf } from '../../../src/xml/parse';

describe('DatabaseCredential', () => {
  test.each([
    ['IpamSql', 'IpamSql'],
    ['CONTOSO\\ipamsvc', 'CONTOSO\\\\ipamsvc'],
    ['odd:name', 'odd\\:name'],
    ['a\\:b', 'a\\\\\\:b'],
  ])('user %s is escaped as %s', (user, escaped) => {
    expect(escapeCredentialUser(user)).toBe(escaped);
  });

  test('the password goes as is after the first unescaped colon', () => {
    expect(formatDatabaseCredential({ userName: 'CONTOSO\\sql:admin', password: 'p:a\\ss' })).toBe('CONTOSO\\\\sql\\:admin:p:a\\ss');
  });
});

describe('provisioningArguments', () => {
  test('only the parameters given, in the MOF order, with CIM values', () => {
    expect(
      provisioningArguments({
        Force: true,
        DatabasePort: 1433,
        DatabaseServer: 'db1.contoso.com',
        DatabaseName: 'Ipamdb',
        DatabaseAuthType: 2,
        DatabaseCredential: { userName: 'IpamSql', password: 'x' },
        ProvisioningMethod: 0,
        GpoPrefix: 'IPAM1',
        UseExistingSchema: false,
      }),
    ).toEqual({
      DatabaseServer: 'db1.contoso.com',
      DatabaseName: 'Ipamdb',
      DatabasePort: 1433,
      DatabaseAuthType: 2,
      DatabaseCredential: 'IpamSql:x',
      ProvisioningMethod: 0,
      GpoPrefix: 'IPAM1',
      UseExistingSchema: false,
      Force: true,
    });
    expect(Object.keys(provisioningArguments({ DatabasePort: 1433, DatabaseServer: 'x' }))).toEqual(['DatabaseServer', 'DatabasePort']);
    expect(provisioningArguments({})).toEqual({});
  });

  test('a value outside uint16 is refused before anything is sent', () => {
    expect(() => provisioningArguments({ DatabasePort: 70000 })).toThrow(/DatabasePort must be a uint16/);
    expect(() => provisioningArguments({ DatabasePort: 14.5 })).toThrow(RangeError);
  });

  test('Method_INPUT on the wire: one element per argument in the class namespace', () => {
    const xml = buildEnvelope({
      to: 'http://h/wsman',
      action: `${IPAM_SERVER_URI}/InvokeIpamServerProvisioning`,
      body: (w) => writeMethodInput(w, IPAM_SERVER_URI, 'InvokeIpamServerProvisioning', { ...provisioningArguments({ WidSchemaPath: 'D:\\db <&>', Force: true }), Extra: null, List: ['a', 'b'] }),
    });
    const input = elements(child(parseXml(xml), NS.soap, 'Body')!)[0]!;
    expect(input.local).toBe('InvokeIpamServerProvisioning_INPUT');
    expect(elements(input).map((e) => [e.ns === IPAM_SERVER_URI, e.local, textOf(e)])).toEqual([
      [true, 'WidSchemaPath', 'D:\\db <&>'],
      [true, 'Force', 'true'],
      [true, 'Extra', ''],
      [true, 'List', 'a'],
      [true, 'List', 'b'],
    ]);
    expect(attr(childrenNamed(input, IPAM_SERVER_URI, 'Extra')[0]!, NS.xsi, 'nil')).toBe('true');
  });
});

describe('provisioningOptions', () => {
  /** The OptionSet as a server reads it: name → [type, value]. */
  function onTheWire(opts: Parameters<typeof provisioningOptions>[0]): Record<string, [string | undefined, string]> {
    const env = parseXml(buildEnvelope({ to: 'http://h/wsman', action: 'urn:a', options: provisioningOptions(opts) }));
    const set = child(child(env, NS.soap, 'Header')!, NS.wsman, 'OptionSet')!;
    const out: Record<string, [string | undefined, string]> = {};
    for (const o of childrenNamed(set, NS.wsman, 'Option')) out[attr(o, '', 'Name')!] = [attr(o, '', 'Type'), textOf(o)];
    return out;
  }
  const MODE = 'wmi:__MI_OPERATIONOPTIONS_PROMPTUSERMODE';
  const ACK = 'wmi:__MI_OPERATIONOPTIONS_PROMPTUSERMODEREGULAR_ACKVALUE';

  test('what a CDXML cmdlet always sends', () => {
    const o = onTheWire({ computerName: 'ipam1.contoso.com' });
    expect(o).toMatchObject({
      __MI_CallbackRegistration: ['xs:int', '27'],
      'wmi:MI_OPERATIONOPTIONS_POWERSHELL_CMDLETNAME': ['xs:string', 'Invoke-IpamServerProvisioning'],
      'wmi:MI_OPERATIONOPTIONS_POWERSHELL_COMPUTERNAME': ['xs:string', 'ipam1.contoso.com'],
      'wmi:__MI_OPERATIONOPTIONS_IMPROVEDPERF_STREAMING': ['xs:unsignedInt', '1'],
      'wmi:__MI_OPERATIONOPTIONS_WRITEERRORMODE': ['xs:unsignedInt', '0'],
    });
    expect(o.IpamEmulator_AsJob).toBeUndefined();
  });

  test('no -WhatIf or -Confirm: auto-confirm, PROMPTUSERMODE Ignore with ack true', () => {
    expect(onTheWire({})).toMatchObject({ [MODE]: ['xs:unsignedInt', '2'], [ACK]: ['xs:boolean', 'true'] });
  });

  test('-WhatIf: PROMPTUSERMODE 0 (Report) with ack false; it wins over -Confirm as in PowerShell', () => {
    for (const o of [onTheWire({ whatIf: true }), onTheWire({ whatIf: true, confirm: true })]) {
      expect(o).toMatchObject({ [MODE]: ['xs:unsignedInt', '0'], [ACK]: ['xs:boolean', 'false'] });
    }
  });

  test('-Confirm: PROMPTUSERMODE 1 (Inquire), no ack value', () => {
    const o = onTheWire({ confirm: true });
    expect(o[MODE]).toEqual(['xs:unsignedInt', '1']);
    expect(o[ACK]).toBeUndefined();
  });

  test('asJob adds IpamEmulator_AsJob true', () => {
    expect(onTheWire({ asJob: true }).IpamEmulator_AsJob).toEqual(['xs:boolean', 'true']);
  });
});

describe('jobs', () => {
  test('the Job EPR gives the InstanceID whatever the selector case', () => {
    const ref = { resourceUri: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ConcreteJob', selectors: { instanceid: 'J-1', __cimnamespace: 'root/Microsoft/IPAM' } };
    expect(jobReferenceOf(ref)).toEqual({ instanceId: 'J-1', resourceUri: ref.resourceUri, selectors: ref.selectors });
    expect(jobReferenceOf({ resourceUri: 'x', selectors: {} })).toBeNull();
  });

  test('readJob types the job properties; states are named; 7–10 are final', () => {
    const job = readJob({ InstanceID: 'J-1', JobState: '4', PercentComplete: '40', ErrorCode: null, ErrorDescription: null, TargetHost: 'ipam1.contoso.com', OperationName: 'InvokeIpamServerProvisioning' });
    expect(job).toMatchObject({ instanceId: 'J-1', jobState: 4, jobStateName: 'Running', percentComplete: 40, errorCode: null, targetHost: 'ipam1.contoso.com' });
    expect([2, 3, 4, 7, 8, 9, 10, 42].map(jobStateName)).toEqual(['New', 'Starting', 'Running', 'Completed', 'Terminated', 'Killed', 'Exception', 'JobState 42']);
    expect([2, 3, 4, 7, 8, 9, 10, null].map(isFinished)).toEqual([false, false, false, true, true, true, true, false]);
  });
});
