/**
 * The confirmation texts of Invoke-IpamServerProvisioning and Update-IpamServer,
 * as the cmdlet help examples show them (reference/ipam-provisioning.md §5).
 * The provider asks through a Critical prompt (ShouldContinue), which Force skips.
 */
import type { ProvisioningMethod } from './parameters';

export function provisioningPrompt(fqdn: string, database: { promptPhrase: string; location: string | undefined }, method: ProvisioningMethod): string {
  const lines = [
    `This cmdlet will provision IPAM on ${fqdn}. As a part of provisioning, this cmdlet will provision IPAM to use ${database.promptPhrase}`,
    database.location !== undefined
      ? `The cmdlet will create a new IPAM database at ${database.location}, create roles, and prepare IPAM for use.`
      : 'The cmdlet will create a new IPAM database, create roles, and prepare IPAM for use.',
    method === 'Manual'
      ? 'Infrastructure servers managed by IPAM will have to be manually provisioned to provide access to IPAM. Read the product documentation for details.'
      : 'IPAM will be configured to use Group Policy to provision the managed servers. Read the product documentation for details.',
    'Do you want to continue?',
  ];
  return lines.join('\n');
}

export const UPDATE_PROMPT =
  'Upgrading IPAM Server. As a part of upgrade, any changes in IPAM Server settings & configuration will be applied. Any requisite changes to database schema changes will be made. Do you want to continue?';
