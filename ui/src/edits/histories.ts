// Undo history per job: switching to another job and back finds the first job's edits still
// undoable, until the app is closed (nothing is stored). Each job keeps its own EditHistory.

import { EditHistory } from "./history";

export class JobHistories {
  private readonly byJob = new Map<string, EditHistory>();
  constructor(
    private readonly limitPerJob = 100,
    /** Jobs whose history is kept at once; the least recently opened is dropped beyond it. */
    private readonly maxJobs = 50,
  ) {}

  /** The history of `jobId`, made on first use; marks the job as most recently used. */
  of(jobId: string): EditHistory {
    let h = this.byJob.get(jobId);
    if (h) {
      this.byJob.delete(jobId);
    } else {
      h = new EditHistory(this.limitPerJob);
    }
    this.byJob.set(jobId, h);
    while (this.byJob.size > this.maxJobs) {
      const oldest = this.byJob.keys().next().value;
      if (oldest === undefined) break;
      this.byJob.delete(oldest);
    }
    return h;
  }

  /** Jobs with a history, oldest first. */
  get jobs(): string[] {
    return [...this.byJob.keys()];
  }
}
