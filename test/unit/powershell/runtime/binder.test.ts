import type { PsCommand, PsCommandContext, PsModule } from '../../../../src/powershell/runtime/commands';
import { toStringPs } from '../../../../src/powershell/runtime/conversions';
import { PsEnum, PsSecureString, PsSwitch, type PsValue } from '../../../../src/powershell/runtime/values';
import { onlyError, run } from '../harness';

/** A command shaped like Invoke-IpamServerProvisioning: two sets, an enum, a UInt16, a switch. */
const seen: Array<{ set: string; values: Record<string, PsValue> }> = [];
const PROVISIONING_METHOD = { enum: 'Microsoft.Windows.Ipam.Commands.ProvisioningMethod', values: [['Automatic', 1], ['Manual', 2]] as const };
const provisioning: PsCommand = {
  metadata: {
    name: 'Invoke-IpamServerProvisioning',
    module: 'IpamServer',
    commandType: 'Function',
    defaultParameterSet: 'WidDatabase',
    supportsShouldProcess: true,
    confirmImpact: 'High',
    parameters: [
      { name: 'WidSchemaPath', type: 'string', sets: { WidDatabase: { position: 0 } } },
      { name: 'DatabaseServer', type: 'string', sets: { ExternalDatabase: { mandatory: true } } },
      { name: 'DatabaseName', type: 'string', sets: { ExternalDatabase: { mandatory: true } } },
      { name: 'DatabasePort', type: 'uint16', sets: { ExternalDatabase: { mandatory: true } } },
      { name: 'DatabaseCredential', type: 'pscredential', sets: { ExternalDatabase: {} } },
      { name: 'ProvisioningMethod', type: PROVISIONING_METHOD },
      { name: 'GpoPrefix', type: 'string', validateNotNullOrEmpty: true },
      { name: 'Force', type: 'switch' },
    ],
  },
  async process(ctx: PsCommandContext) {
    const values: Record<string, PsValue> = {};
    for (const [k, v] of ctx.bound.values) values[k] = v;
    seen.push({ set: ctx.bound.parameterSetName, values });
    if (await ctx.shouldProcess('ipam1.contoso.com', 'Provision IPAM')) ctx.writeObject('provisioned');
  },
};

/** A command with positional parameters, pipeline input and validation. */
const pipelineCommand: PsCommand = {
  metadata: {
    name: 'Set-Thing',
    module: 'Things',
    commandType: 'Cmdlet',
    implementingType: 'Things.Commands.SetThingCommand',
    parameters: [
      { name: 'Name', type: 'string', aliases: ['ThingName'], sets: { __AllParameterSets: { position: 0, mandatory: true, valueFromPipelineByPropertyName: true } } },
      { name: 'Count', type: 'int', sets: { __AllParameterSets: { position: 1 } } },
      { name: 'Color', type: 'string', validateSet: ['Red', 'Green'] },
      { name: 'Port', type: 'uint16', validateRange: [1, 1024] },
      { name: 'Enabled', type: 'bool' },
      { name: 'NameSuffix', type: 'string' },
      { name: 'Tags', type: 'string[]' },
      { name: 'InputObject', type: 'object', sets: { __AllParameterSets: { valueFromPipeline: true } } },
    ],
  },
  process(ctx, input) {
    const parts = [...ctx.bound.values].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.map((x) => toStringPs(x)).join(',')}]` : toStringPs(v)}`);
    ctx.writeObject(`${input === undefined ? 'args' : 'pipe'}: ${parts.join(' ')}`);
  },
};

const modules: PsModule[] = [
  { name: 'IpamServer', version: '2.0.0.0', moduleType: 'Manifest', commands: [provisioning] },
  { name: 'Things', version: '1.0', moduleType: 'Binary', commands: [pipelineCommand] },
];
const opts = { modules };

beforeEach(() => {
  seen.length = 0;
});

describe('parameter binding: named, positional, switches, splatting', () => {
  it('binds named parameters by unique prefix and alias, and -Name:value', async () => {
    const r = await run('Set-Thing -ThingN a -Cou 3 -NameS:x; Set-Thing -ThingName b', opts);
    expect(r.lines).toEqual(['args: Count=3 Name=a NameSuffix=x', 'args: Name=b']);
  });

  it('binds positional arguments by position', async () => {
    expect((await run('Set-Thing a 5', opts)).lines).toEqual(['args: Count=5 Name=a']);
  });

  it('reports an ambiguous prefix with the possible matches', async () => {
    const e = await onlyError('Set-Thing -N a', opts);
    expect(e.message).toBe("Parameter cannot be processed because the parameter name 'N' is ambiguous. Possible matches include: -Name -NameSuffix.");
    expect(e.init).toMatchObject({ errorId: 'AmbiguousParameter', category: 'InvalidArgument', exceptionType: 'System.Management.Automation.ParameterBindingException', activity: 'Set-Thing' });
    expect(e.fullyQualifiedErrorId).toBe('AmbiguousParameter,Things.Commands.SetThingCommand');
  });

  it('reports an unknown parameter at its position', async () => {
    const e = await onlyError('Set-Thing a -Bogus 1', opts);
    expect(e.message).toBe("A parameter cannot be found that matches parameter name 'Bogus'.");
    expect(e.init.errorId).toBe('NamedParameterNotFound');
    expect(e.init.invocation).toMatchObject({ commandName: 'Set-Thing', line: 1, column: 13, length: 6 });
  });

  it('reports a positional argument no parameter takes', async () => {
    const e = await onlyError('Set-Thing a 1 extra', opts);
    expect(e.message).toBe("A positional parameter cannot be found that accepts argument 'extra'.");
    expect(e.init.errorId).toBe('PositionalParameterNotFound');
  });

  it('reports a parameter given twice and a parameter without its argument', async () => {
    expect((await onlyError('Set-Thing -Name a -Name b', opts)).init.errorId).toBe('ParameterAlreadyBound');
    const e = await onlyError('Set-Thing -Name', opts);
    expect(e.message).toBe("Missing an argument for parameter 'Name'. Specify a parameter of type 'System.String' and try again.");
    expect(e.init.errorId).toBe('MissingArgument');
  });

  it('binds switches present, -Switch:$false, and from a splatted hashtable', async () => {
    await run('Invoke-IpamServerProvisioning -Force; Invoke-IpamServerProvisioning -Force:$false; $p = @{ Force = $true; GpoPrefix = "IPAM" }; Invoke-IpamServerProvisioning @p', opts);
    expect(seen.map((s) => (s.values.Force as PsSwitch).isPresent)).toEqual([true, false, true]);
    expect(seen[2].values.GpoPrefix).toBe('IPAM');
  });

  it('splats an array as positional arguments', async () => {
    expect((await run('$a = "x", 7; Set-Thing @a', opts)).lines).toEqual(['args: Count=7 Name=x']);
  });
});

describe('parameter binding: conversions and validation', () => {
  it('converts to the parameter type and reports what does not convert', async () => {
    const e = await onlyError('Invoke-IpamServerProvisioning -DatabaseServer s -DatabaseName IPAM -DatabasePort abc', opts);
    expect(e.message).toBe('Cannot bind parameter \'DatabasePort\'. Cannot convert value "abc" to type "System.UInt16". Error: "Input string was not in a correct format."');
    expect(e.init).toMatchObject({ errorId: 'CannotConvertArgumentNoMessage', category: 'InvalidArgument' });
    expect(e.init.invocation).toMatchObject({ column: 82, length: 3 });
  });

  it('reports a number out of the type range', async () => {
    const e = await onlyError('Invoke-IpamServerProvisioning -DatabaseServer s -DatabaseName IPAM -DatabasePort 70000', opts);
    expect(e.message).toBe('Cannot bind parameter \'DatabasePort\'. Cannot convert value "70000" to type "System.UInt16". Error: "Value was either too large or too small for a UInt16."');
  });

  it('binds an enum by name (any case) or number and lists the names when none matches', async () => {
    await run('Invoke-IpamServerProvisioning -ProvisioningMethod manual; Invoke-IpamServerProvisioning -ProvisioningMethod 1', opts);
    expect(seen.map((s) => (s.values.ProvisioningMethod as PsEnum).name)).toEqual(['Manual', 'Automatic']);
    const e = await onlyError('Invoke-IpamServerProvisioning -ProvisioningMethod Foo', opts);
    expect(e.message).toBe(
      'Cannot bind parameter \'ProvisioningMethod\'. Cannot convert value "Foo" to type "Microsoft.Windows.Ipam.Commands.ProvisioningMethod". Error: "Unable to match the identifier name Foo to a valid enumerator name. Specify one of the following enumerator names and try again:\nAutomatic, Manual"',
    );
  });

  it('applies ValidateSet, ValidateRange and ValidateNotNullOrEmpty with their texts', async () => {
    expect((await onlyError('Set-Thing a -Color Blue', opts)).message).toBe(
      'Cannot validate argument on parameter \'Color\'. The argument "Blue" does not belong to the set "Red,Green" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.',
    );
    expect((await onlyError('Set-Thing a -Port 2000', opts)).message).toBe(
      "Cannot validate argument on parameter 'Port'. The 2000 argument is greater than the maximum allowed range of 1024. Supply an argument that is less than or equal to 1024 and then try the command again.",
    );
    const e = await onlyError('Invoke-IpamServerProvisioning -GpoPrefix ""', opts);
    expect(e.message).toBe("Cannot validate argument on parameter 'GpoPrefix'. The argument is null or empty. Provide an argument that is not null or empty, and then try the command again.");
    expect(e.init.errorId).toBe('ParameterArgumentValidationError');
  });

  it('accepts only Booleans and numbers for a [bool] parameter', async () => {
    expect((await onlyError('Set-Thing a -Enabled yes', opts)).message).toBe(
      'Cannot bind parameter \'Enabled\'. Cannot convert value "yes" to type "System.Boolean". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.',
    );
  });

  it('joins an array given to a [string] parameter and wraps a scalar for a [string[]] one', async () => {
    expect((await run('Set-Thing a -NameSuffix 1,2 -Tags x', opts)).lines).toEqual(['args: Name=a NameSuffix=1 2 Tags=[x]']);
  });

  it('refuses a string where a credential is expected, as a non-interactive host does', async () => {
    const e = await onlyError('Invoke-IpamServerProvisioning -DatabaseServer s -DatabaseName d -DatabasePort 1433 -DatabaseCredential admin', opts);
    expect(e.message).toBe("Cannot process argument transformation on parameter 'DatabaseCredential'. Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.");
    expect(e.init.errorId).toBe('ParameterArgumentTransformationError');
  });
});

describe('parameter binding: parameter sets and mandatory parameters', () => {
  it('uses the default set when nothing decides', async () => {
    await run('Invoke-IpamServerProvisioning', opts);
    expect(seen[0].set).toBe('WidDatabase');
  });

  it('chooses the set the named parameters belong to', async () => {
    await run('$ss = ConvertTo-SecureString p -AsPlainText -Force; $c = [pscredential]::new("sa", $ss); Invoke-IpamServerProvisioning -DatabaseServer sql1 -DatabaseName IPAM -DatabasePort 1433 -DatabaseCredential $c', opts);
    expect(seen[0].set).toBe('ExternalDatabase');
    expect(seen[0].values.DatabasePort).toBe(1433);
    expect((seen[0].values.DatabaseCredential as { get(n: string): PsValue }).get('Password')).toBeInstanceOf(PsSecureString);
  });

  it('reports parameters of two sets given together as AmbiguousParameterSet', async () => {
    const e = await onlyError('Invoke-IpamServerProvisioning -WidSchemaPath C:\\x -DatabaseServer sql1', opts);
    expect(e.message).toBe('Parameter set cannot be resolved using the specified named parameters.');
    expect(e.init).toMatchObject({ errorId: 'AmbiguousParameterSet', category: 'InvalidArgument', activity: 'Invoke-IpamServerProvisioning' });
    expect(e.fullyQualifiedErrorId).toBe('AmbiguousParameterSet,Invoke-IpamServerProvisioning');
    expect(seen).toHaveLength(0);
  });

  it('reports the missing mandatory parameters of the chosen set, before the command runs', async () => {
    const r = await run('Invoke-IpamServerProvisioning -DatabaseServer sql1; "next"', opts);
    expect(r.errors[0].message).toBe('Cannot process command because of one or more missing mandatory parameters: DatabaseName DatabasePort.');
    expect(r.errors[0].init.errorId).toBe('MissingMandatoryParameter');
    expect(r.lines).toEqual(['next']);
    expect(seen).toHaveLength(0);
  });

  it('does not bind a parameter of another set positionally', async () => {
    await run('Invoke-IpamServerProvisioning C:\\Windows\\System32\\ipam\\Database', opts);
    expect(seen[0]).toMatchObject({ set: 'WidDatabase', values: { WidSchemaPath: 'C:\\Windows\\System32\\ipam\\Database' } });
  });
});

describe('parameter binding: pipeline input', () => {
  it('binds by property name, keeping command-line arguments', async () => {
    const r = await run('[pscustomobject]@{ Name = "p1" }, [pscustomobject]@{ ThingName = "p2" } | Set-Thing -Count 2', opts);
    expect(r.lines).toEqual(['pipe: Count=2 InputObject=@{Name=p1} Name=p1', 'pipe: Count=2 InputObject=@{ThingName=p2} Name=p2']);
  });

  it('reports an object that binds to nothing as InputObjectNotBound, per object', async () => {
    const r = await run('1, 2 | Invoke-IpamServerProvisioning', opts);
    expect(r.errors.map((e) => e.init.errorId)).toEqual(['InputObjectNotBound', 'InputObjectNotBound']);
    expect(r.errors[0].message).toBe(
      'The input object cannot be bound to any parameters for the command either because the command does not take pipeline input or the input and its properties do not match any of the parameters that take pipeline input.',
    );
  });
});

describe('common parameters and ShouldProcess', () => {
  it('writes the What if line to the host and does not run the change', async () => {
    const r = await run('Invoke-IpamServerProvisioning -WhatIf', opts);
    // The host UI's own line: no InformationRecord (so nothing in a CLIXML stderr, nothing for 6>&1).
    expect(r.hostLines).toEqual(['What if: Performing the operation "Provision IPAM" on target "ipam1.contoso.com".']);
    expect(r.information).toEqual([]);
    expect(r.lines).toEqual([]);
  });

  it('prompts when the impact reaches $ConfirmPreference; a non-interactive session refuses', async () => {
    const r = await run('Invoke-IpamServerProvisioning; "next"', opts);
    expect(r.errors[0].message).toBe('Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.');
    expect(r.errors[0].fullyQualifiedErrorId).toBe('InvalidOperation,Invoke-IpamServerProvisioning');
    expect(r.errors[0].init.category).toBe('InvalidOperation');
    expect(r.lines).toEqual(['next']);
  });

  it('-Confirm:$false suppresses the prompt, $ConfirmPreference = "None" too', async () => {
    expect((await run('Invoke-IpamServerProvisioning -Confirm:$false', opts)).lines).toEqual(['provisioned']);
    expect((await run('$ConfirmPreference = "None"; Invoke-IpamServerProvisioning', opts)).lines).toEqual(['provisioned']);
  });

  it('asks an interactive host and follows its answer', async () => {
    const asked: string[] = [];
    const interactive = {
      prompt: async (caption: string, message: string) => {
        asked.push(`${caption}|${message}`);
        return asked.length === 1;
      },
    };
    const r = await run('Invoke-IpamServerProvisioning; Invoke-IpamServerProvisioning', { modules, interactive });
    expect(r.lines).toEqual(['provisioned']);
    expect(asked[0]).toBe('Confirm|Are you sure you want to perform this action?\nPerforming the operation "Provision IPAM" on target "ipam1.contoso.com".');
  });

  it('accepts the common parameters on every cmdlet and refuses a bad ActionPreference', async () => {
    expect((await run('Write-Output x -Verbose -OutVariable o -ErrorAction SilentlyContinue; $o')).lines).toEqual(['x', 'x']);
    const e = await onlyError('Write-Output x -ErrorAction Sometimes');
    expect(e.message).toBe(
      'Cannot bind parameter \'ErrorAction\'. Cannot convert value "Sometimes" to type "System.Management.Automation.ActionPreference". Error: "Unable to match the identifier name Sometimes to a valid enumerator name. Specify one of the following enumerator names and try again:\nSilentlyContinue, Stop, Continue, Inquire, Ignore, Suspend"',
    );
  });
});
