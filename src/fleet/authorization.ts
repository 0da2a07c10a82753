/**
 * Who may do what on an IPAM host. Administrators (and Domain Admins, members
 * of every domain host's Administrators) and IPAM Administrators may provision
 * and change anything; the IPAM groups may read (IPAM Users "view everything",
 * the other IPAM groups are IPAM Users and more: reference §3); anyone else is
 * refused with w:AccessDenied, as WinRM's RootSDDL refuses users it does not list.
 */
import type { Principal } from './fleet';

const CHANGE_GROUPS = ['administrators', 'domain admins', 'ipam administrators'];
const READ_GROUPS = [...CHANGE_GROUPS, 'ipam users', 'ipam msm administrators', 'ipam asm administrators', 'ipam ip audit administrators'];

export type Access = 'read' | 'change';

function inAny(p: Principal, groups: readonly string[]): boolean {
  return p.groups.some((g) => groups.includes(g.toLowerCase()));
}

export function isAllowed(p: Principal, access: Access): boolean {
  return inAny(p, access === 'change' ? CHANGE_GROUPS : READ_GROUPS);
}

/** The groups that grant an access, for messages. */
export function groupsFor(access: Access): string {
  return access === 'change' ? 'Administrators or IPAM Administrators' : 'Administrators, IPAM Administrators or an IPAM group such as IPAM Users';
}

/**
 * Who may open a remote shell: WinRM's default RootSDDL grants Administrators and Remote
 * Management Users (and Domain Admins are Administrators of every member); the IPAM groups
 * are not in it.
 */
const SHELL_GROUPS = ['administrators', 'domain admins', 'remote management users'];

export function mayUseShell(p: Principal): boolean {
  return inAny(p, SHELL_GROUPS);
}
