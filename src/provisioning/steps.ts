/**
 * The six provisioning steps of Invoke-IpamServerProvisioning (its help lists
 * them; reference/ipam-provisioning.md §3). Each works on a draft of the host's
 * IPAM configuration and on the IPAM database, is idempotent (running it again
 * changes nothing), and returns the sentence the configuration log records.
 * Nothing a step does is visible until the engine commits.
 */
import type { FleetHost } from '../fleet/fleet';
import type { IpamDatabase } from '../storage/ipamDb/ipamDatabase';
import type { DatabaseTarget, RunContext } from './database';
import {
  IPAM_LOCAL_GROUPS,
  IPAM_TASKS,
  IPAM_WCF_PORT,
  IP_ADDRESS_TRACKING,
  gpoNames,
  type DatabaseRecord,
  type ScheduledTask,
  type ServiceConfiguration,
} from './model';
import type { ProvisioningRequest } from './parameters';

/** The configuration being built; the engine turns it into an IpamHostConfiguration at commit. */
export interface Draft {
  service?: ServiceConfiguration;
  database?: DatabaseRecord;
  schemaVersion?: string;
  tasks?: ScheduledTask[];
  localGroups?: string[];
  provisioningMethod?: 'Automatic' | 'Manual';
  gpoPrefix?: string;
  gpoNames?: string[];
  capabilities?: Record<string, 'Enabled' | 'Disabled'>;
}

export interface StepContext {
  readonly host: FleetHost;
  readonly request: ProvisioningRequest;
  readonly target: DatabaseTarget;
  readonly run: RunContext;
  /** The schema version a new database gets (the current one, or an older one when seeding a fixture). */
  readonly schemaVersion: string;
  readonly draft: Draft;
  /** Set by the database step. */
  db?: IpamDatabase;
}

export interface Step {
  readonly id: 'service' | 'database' | 'tasks' | 'roles' | 'method' | 'capabilities';
  /** What progress and the plan call it. */
  readonly title: string;
  run(ctx: StepContext): Promise<string>;
}

function requireDb(ctx: StepContext): IpamDatabase {
  if (!ctx.db) throw new Error('the database step has not run');
  return ctx.db;
}

export const serviceStep: Step = {
  id: 'service',
  title: 'Configuring the IPAM service (WCF port and WinRM settings)',
  async run(ctx) {
    ctx.draft.service = {
      port: IPAM_WCF_PORT,
      wcfEndpoint: `net.tcp://${ctx.host.fqdn}:${IPAM_WCF_PORT}/Ipam`,
      appPool: 'IpamAppPool',
      firewallRules: ['IPAM Server (WCF-In)', 'Windows Remote Management (HTTP-In)'],
      winrm: { AllowRemoteAccess: 'true', MaxConcurrentOperationsPerUser: '1500', MaxEnvelopeSizekb: String(ctx.host.policy.maxEnvelopeSize / 1024) },
    };
    return `The IPAM service was configured: WCF endpoint net.tcp port ${IPAM_WCF_PORT}, application pool IpamAppPool, WinRM remote access enabled.`;
  },
};

export const databaseStep: Step = {
  id: 'database',
  title: 'Creating and connecting to the IPAM database',
  async run(ctx) {
    const check = await ctx.target.check();
    ctx.db = await ctx.target.open(ctx.run, ctx.schemaVersion);
    const version = await ctx.db.schemaVersion();
    ctx.draft.database = ctx.target.record;
    ctx.draft.schemaVersion = version;
    if (check.existingSchema !== undefined) return `IPAM connected to ${ctx.target.description}, reusing its IPAM schema version ${version}.`;
    return `IPAM ${check.willCreateDatabase ? 'created' : 'prepared'} ${ctx.target.description} with IPAM schema version ${version}.`;
  },
};

export const tasksStep: Step = {
  id: 'tasks',
  title: 'Creating the IPAM scheduled tasks',
  async run(ctx) {
    ctx.draft.tasks = IPAM_TASKS.map((t) => ({ ...t, path: `\\Microsoft\\Windows\\IPAM\\${t.name}`, enabled: true }));
    return `The ${IPAM_TASKS.length} IPAM scheduled tasks were created under \\Microsoft\\Windows\\IPAM: ${IPAM_TASKS.map((t) => `${t.name} (every ${formatMinutes(t.intervalMinutes)})`).join(', ')}.`;
  },
};

export const rolesStep: Step = {
  id: 'roles',
  title: 'Creating the IPAM roles and security groups',
  async run(ctx) {
    const db = requireDb(ctx);
    await db.ensureAccessPolicies();
    ctx.draft.localGroups = [...IPAM_LOCAL_GROUPS];
    const summary = await db.summary();
    return `The built-in IPAM roles (${summary.roles.length}), the Global access scope and the local security groups ${IPAM_LOCAL_GROUPS.join(', ')} were created.`;
  },
};

export const methodStep: Step = {
  id: 'method',
  title: 'Setting the provisioning method',
  async run(ctx) {
    const db = requireDb(ctx);
    const method = ctx.request.provisioningMethod;
    ctx.draft.provisioningMethod = method;
    ctx.draft.gpoPrefix = ctx.request.gpoPrefix;
    ctx.draft.gpoNames = gpoNames(ctx.request.gpoPrefix);
    await db.setConfiguration('ProvisioningMethod', method);
    await db.setConfiguration('GpoPrefix', ctx.request.gpoPrefix ?? '');
    if (method === 'Manual') return 'The provisioning method is Manual: managed servers are to be provisioned by hand.';
    return `The provisioning method is Automatic (GPO-based) with GPO prefix ${ctx.request.gpoPrefix}; Invoke-IpamGpoProvisioning will create the GPOs ${ctx.draft.gpoNames.join(', ')}.`;
  },
};

export const capabilitiesStep: Step = {
  id: 'capabilities',
  title: 'Enabling the optional capabilities',
  async run(ctx) {
    await requireDb(ctx).enableCapability(IP_ADDRESS_TRACKING);
    ctx.draft.capabilities = { [IP_ADDRESS_TRACKING]: 'Enabled' };
    return 'The optional capability IpAddressTracking was enabled.';
  },
};

export const STEPS: readonly Step[] = [serviceStep, databaseStep, tasksStep, rolesStep, methodStep, capabilitiesStep];

function formatMinutes(m: number): string {
  if (m % (24 * 60) === 0) return m === 24 * 60 ? 'day' : `${m / (24 * 60)} days`;
  if (m % 60 === 0) return m === 60 ? 'hour' : `${m / 60} hours`;
  return `${m} minutes`;
}
