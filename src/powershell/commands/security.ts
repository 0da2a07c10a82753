/**
 * ConvertTo-SecureString (Microsoft.PowerShell.Security). The plain text never
 * appears in an error; the engine keeps it inside a PsSecureString.
 */
import type { PsCommand } from '../runtime/commands';
import { PsRuntimeError } from '../runtime/errors';
import { PsSecureString } from '../runtime/values';
import { cmdlet, param, switchOn, text } from './define';

const convertToSecureString = cmdlet(
  'Microsoft.PowerShell.Security',
  {
    name: 'ConvertTo-SecureString',
    implementingType: 'Microsoft.PowerShell.Commands.ConvertToSecureStringCommand',
    defaultParameterSet: 'Secure',
    parameters: [
      param('String', 'string', { position: 0, mandatory: true, pipeline: true }),
      param('AsPlainText', 'switch', { position: 1, set: 'PlainText' }),
      param('Force', 'switch', { position: 2, set: 'PlainText' }),
      param('SecureKey', 'securestring', { position: 1, set: 'Secure' }),
      param('Key', 'object', { set: 'Open' }),
    ],
  },
  {
    process(ctx) {
      if (switchOn(ctx, 'AsPlainText')) {
        if (!switchOn(ctx, 'Force')) {
          // Windows PowerShell 5.1 (SecureStringCommands.resx): -AsPlainText needs -Force.
          throw new PsRuntimeError(
            ctx.errorRecord({
              exceptionType: 'System.ArgumentException',
              message: 'The system cannot protect plain text input. To suppress this warning and convert the plain text to a SecureString, reissue the command specifying the Force parameter. For more information ,type: get-help ConvertTo-SecureString.',
              errorId: 'ImportSecureString_InvalidArgument',
              category: 'InvalidArgument',
            }),
          );
        }
        ctx.writeObject(new PsSecureString(text(ctx, 'String') ?? ''));
        return;
      }
      // A DPAPI-protected standard string from another machine's account cannot be opened here.
      throw new PsRuntimeError(
        ctx.errorRecord({
          exceptionType: 'System.Security.Cryptography.CryptographicException',
          message: 'Key not valid for use in specified state.',
          errorId: 'ImportSecureString_InvalidArgument_CryptographicError',
          category: 'InvalidArgument',
        }),
      );
    },
  },
);

export const SECURITY_COMMANDS: readonly PsCommand[] = [convertToSecureString];
