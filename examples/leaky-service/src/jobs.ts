import { Worker } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';

/** A job runner: its poll loop can never be stopped, and close() forgets to terminate the worker. */
export class JobRunner {
  private readonly worker = new Worker(require.resolve('./job-worker.js'));

  async poll(): Promise<void> {
    while (true) {
      const jobs = await this.fetchJobs();
      for (const job of jobs) this.worker.postMessage(job);
      await sleep(1000);
    }
  }

  private async fetchJobs(): Promise<string[]> {
    return [];
  }

  close(): void {
    this.worker.removeAllListeners();
  }
}
