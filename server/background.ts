/**
 * Work started after an HTTP answer (processing an acknowledged message, delivering a
 * confirmation). Tracked so shutdown waits for it instead of cutting it off mid-write.
 */
export class BackgroundTasks {
  private readonly inflight = new Set<Promise<unknown>>();

  track(work: Promise<unknown>): void {
    const settled = work.catch(() => undefined);
    this.inflight.add(settled);
    void settled.finally(() => this.inflight.delete(settled));
  }

  /** Resolves when everything started so far (and anything it started) has finished. */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }
}
