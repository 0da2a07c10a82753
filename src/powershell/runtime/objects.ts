/**
 * Objects the engine creates by type name: `New-Object T(args)`, `[T]::new(args)`.
 * PSCredential is the one that matters most (a credential for the IPAM cmdlets); a
 * password never appears in an error message, only its type.
 */
import { makeList } from './collections';
import { ConversionFailure, makeVersion, toNumber, toStringPs } from './conversions';
import { PsDateTime, PsHashtable, PsObject, PsSecureString, PSCUSTOMOBJECT_TYPES, type PsValue, typeNameOf } from './values';

export const PSCREDENTIAL_TYPES: readonly string[] = ['System.Management.Automation.PSCredential', 'System.Object'];

export function makeCredential(userName: string, password: PsSecureString): PsObject {
  return new PsObject(PSCREDENTIAL_TYPES, [
    { name: 'UserName', value: userName, typeName: 'System.String' },
    { name: 'Password', value: password, typeName: 'System.Security.SecureString' },
  ]);
}

/** Why a constructor call failed, in PowerShell's words. */
export type ConstructionFailure = { readonly kind: 'overload'; readonly argc: number } | { readonly kind: 'argument'; readonly message: string } | { readonly kind: 'noType' };

/**
 * Constructs an instance of a (resolved) type; a ConstructionFailure when no
 * constructor fits or the type cannot be constructed by this engine.
 */
export function construct(fullName: string, args: readonly PsValue[]): PsValue | ConstructionFailure {
  const lower = fullName.toLowerCase();
  switch (lower) {
    case 'system.management.automation.pscredential': {
      if (args.length !== 2) return { kind: 'overload', argc: args.length };
      const [user, password] = args;
      if (!(password instanceof PsSecureString)) {
        return {
          kind: 'argument',
          message: `Cannot convert argument "password", with value: "${typeNameOf(password)}", for "PSCredential" to type "System.Security.SecureString": "Cannot convert the value of type "${typeNameOf(password)}" to type "System.Security.SecureString"."`,
        };
      }
      return makeCredential(toStringPs(user), password);
    }
    case 'system.collections.arraylist':
      return makeList('ArrayList', Array.isArray(args[0]) ? args[0] : []);
    case 'system.collections.hashtable':
      return new PsHashtable();
    case 'system.collections.specialized.ordereddictionary':
      return new PsHashtable(true);
    case 'system.management.automation.psobject':
    case 'system.management.automation.pscustomobject':
      return new PsObject(PSCUSTOMOBJECT_TYPES, []);
    case 'system.object':
      return new PsObject(['System.Object'], []);
    case 'system.version': {
      if (args.length === 0) return makeVersion('0.0') as PsObject;
      const text = args.length === 1 ? toStringPs(args[0]) : args.map((a) => toStringPs(a)).join('.');
      return makeVersion(text) ?? { kind: 'argument', message: `Exception calling ".ctor" with "${args.length}" argument(s): "Version string portion was too short or too long."` };
    }
    case 'system.datetime': {
      if (args.length < 3) return { kind: 'overload', argc: args.length };
      const n = args.map((a) => toNumber(a));
      if (n.some((x) => x instanceof ConversionFailure)) return { kind: 'overload', argc: args.length };
      const [y, mo, d, h = 0, mi = 0, s = 0] = n as number[];
      return new PsDateTime(new Date(y, mo - 1, d, h, mi, s), 'Unspecified');
    }
    case 'system.security.securestring':
      return new PsSecureString('');
    case 'system.string':
      if (args.length === 2) return toStringPs(args[0]).repeat(Number(toNumber(args[1])));
      return { kind: 'overload', argc: args.length };
    default:
      if (lower.startsWith('system.collections.generic.list`1')) return makeList('List', Array.isArray(args[0]) ? args[0] : []);
      return { kind: 'noType' };
  }
}
