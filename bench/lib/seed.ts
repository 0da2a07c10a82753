/**
 * Seeds a data directory with finished jobs before the emulator child starts
 * on it, through the emulator's own storage modules (from dist/).
 */
import { randomUUID } from 'node:crypto';
import { emulatorModules } from './dist';

export function seedCompletedJobs(dataDir: string, fqdn: string, count: number): void {
  const { stateStore, jobStore } = emulatorModules();
  const store = stateStore.StateStore.open(dataDir);
  try {
    store.ensureHosts([fqdn]);
    const jobs = new jobStore.JobStore(store.db);
    const operation = 'InvokeIpamServerProvisioning';
    store.db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const instanceId = `IPAM:Job:${randomUUID().toUpperCase()}`;
        jobs.insert({
          instanceId,
          fqdn,
          submittedOn: fqdn,
          operation,
          name: `${operation} on ${fqdn}`,
          owner: 'IPAM1\\Administrator',
          client: '127.0.0.1',
          status: 'Queued',
        });
        jobs.update(instanceId, { state: jobStore.JobState.Running, percent: 0, status: 'Running', started: true });
        jobs.update(instanceId, { state: jobStore.JobState.Completed, percent: 100, status: 'Completed: IPAM was provisioned', ended: true });
      }
    })();
  } finally {
    store.close();
  }
}
