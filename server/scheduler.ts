// One-file-at-a-time linting, immediate or debounced. Linting a file is synchronous, so changes that arrive while
// the server is busy coalesce in the queue (a burst costs one lint of the latest text); between files the event
// loop serves requests. A delay is for work nobody is looking at yet (dependents): each new schedule restarts it, and
// once due it waits behind every immediate lint (the file being typed in goes first).
export class LintScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Immediate lints, due now. */
  private readonly queue = new Set<string>();
  /** Delayed lints whose time came: they wait behind the immediate ones. */
  private readonly later = new Set<string>();
  private pumping = false;

  constructor(
    private readonly lint: (uri: string) => void,
    /** Called when work starts (true) and when the queue drains (false). */
    private readonly onBusy: (busy: boolean) => void,
  ) {}

  schedule(uri: string, delayMs: number): void {
    const wasIdle = !this.busy;
    if (delayMs <= 0) {
      clearTimeout(this.timers.get(uri));
      this.timers.delete(uri);
      this.later.delete(uri);
      this.queue.add(uri);
      this.pump();
    } else if (!this.queue.has(uri)) {
      // (a file already due now is linted with its latest text anyway)
      this.cancel(uri);
      this.timers.set(
        uri,
        setTimeout(() => {
          this.timers.delete(uri);
          if (!this.queue.has(uri)) this.later.add(uri);
          this.pump();
        }, delayMs),
      );
    }
    if (wasIdle) this.onBusy(true);
  }

  cancel(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.queue.delete(uri);
    this.later.delete(uri);
  }

  get busy(): boolean {
    return this.pumping || this.timers.size > 0 || this.queue.size > 0 || this.later.size > 0;
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    const step = (): void => {
      const queue = this.queue.size ? this.queue : this.later;
      const next = queue.values().next();
      if (next.done) {
        this.pumping = false;
        if (!this.busy) this.onBusy(false);
        return;
      }
      queue.delete(next.value);
      try {
        this.lint(next.value);
      } finally {
        setImmediate(step);
      }
    };
    setImmediate(step);
  }
}
