/**
 * Runs an async job one at a time: a request while it runs makes it run once more afterwards (not
 * once per request), so the last write to the hosts file is always the one loaded.
 */
export class SerialRun {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly job: () => Promise<void>) {}

  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.job();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }
}
