/**
 * Add-Member (Utility) and Set-StrictMode (Core). Add-Member adds note properties,
 * the way scripts extend a PSCustomObject; strict mode is accepted and remembered
 * but its checks are not enforced (docs/powershell.md).
 */
import { engineOf } from '../runtime/commandContext';
import type { PsCommand } from '../runtime/commands';
import { toStringPs } from '../runtime/conversions';
import { PsRuntimeError } from '../runtime/errors';
import { PsHashtable, PsObject, type PsValue } from '../runtime/values';
import { cmdlet, param, switchOn, text } from './define';

const MEMBER_TYPES = { enum: 'System.Management.Automation.PSMemberTypes', values: [['AliasProperty', 1], ['NoteProperty', 8], ['ScriptProperty', 64], ['ScriptMethod', 256]] as const };

const addMember = cmdlet(
  'Microsoft.PowerShell.Utility',
  {
    name: 'Add-Member',
    implementingType: 'Microsoft.PowerShell.Commands.AddMemberCommand',
    defaultParameterSet: 'TypeNameSet',
    parameters: [
      param('InputObject', 'object', { mandatory: true, pipeline: true }),
      param('MemberType', MEMBER_TYPES, { position: 0, mandatory: true, set: 'MemberSet', aliases: ['Type'] }),
      param('Name', 'string', { position: 1, mandatory: true, set: 'MemberSet' }),
      param('Value', 'object', { position: 2, set: 'MemberSet', allowNull: true }),
      param('NotePropertyName', 'string', { position: 0, mandatory: true, set: 'NotePropertySingleMemberSet' }),
      param('NotePropertyValue', 'object', { position: 1, mandatory: true, set: 'NotePropertySingleMemberSet', allowNull: true }),
      param('NotePropertyMembers', 'hashtable', { position: 0, mandatory: true, set: 'NotePropertyMultiMemberSet' }),
      param('TypeName', 'string'),
      param('Force', 'switch'),
      param('PassThru', 'switch'),
    ],
  },
  {
    process(ctx, input) {
      const target = ctx.bound.get('InputObject') ?? input ?? null;
      if (!(target instanceof PsObject)) {
        throw new PsRuntimeError(ctx.errorRecord({ exceptionType: 'System.InvalidOperationException', message: 'Cannot add a member to this object: the engine extends only PSObjects.', errorId: 'CannotAddMember', category: 'InvalidOperation', targetObject: target }));
      }
      const notes: Array<[string, PsValue]> = [];
      const members = ctx.bound.get('NotePropertyMembers');
      if (members instanceof PsHashtable) for (const e of members.entries()) notes.push([toStringPs(e.key), e.value]);
      else if (ctx.bound.has('NotePropertyName')) notes.push([text(ctx, 'NotePropertyName') ?? '', ctx.bound.get('NotePropertyValue') ?? null]);
      else notes.push([text(ctx, 'Name') ?? '', ctx.bound.get('Value') ?? null]);
      for (const [name, value] of notes) {
        if (target.property(name) && !switchOn(ctx, 'Force')) {
          ctx.writeError(
            ctx.errorRecord({
              exceptionType: 'System.InvalidOperationException',
              message: `Cannot add a member with the name "${name}" because a member with that name already exists. To overwrite the member anyway, add the Force parameter to your command.`,
              errorId: 'MemberAlreadyExists',
              category: 'InvalidOperation',
              targetObject: target,
            }),
          );
          continue;
        }
        target.set(name, value);
      }
      if (switchOn(ctx, 'PassThru')) ctx.writeObject(target);
    },
  },
);

const setStrictMode = cmdlet(
  'Microsoft.PowerShell.Core',
  {
    name: 'Set-StrictMode',
    implementingType: 'Microsoft.PowerShell.Commands.SetStrictModeCommand',
    defaultParameterSet: 'Version',
    parameters: [param('Version', 'string', { mandatory: true, set: 'Version', aliases: ['v'] }), param('Off', 'switch', { mandatory: true, set: 'Off' })],
  },
  {
    process(ctx) {
      // Remembered for scripts that read it back; the engine does not enforce strict mode's checks.
      engineOf(ctx).exec.scope.set('__StrictModeVersion', switchOn(ctx, 'Off') ? null : (text(ctx, 'Version') ?? null));
    },
  },
);

export const MEMBER_COMMANDS: readonly PsCommand[] = [addMember, setStrictMode];

