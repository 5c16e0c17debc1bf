import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { homeDir } from '../homeDir';
import { describeError } from '../result';
import { emptyState, isRouterState, normaliseCodes, type RouterState } from './routerState';

/**
 * Router state on disk: one file per hosts file in the state dir, shared by the CLI and the
 * extension. Every change is read-modify-write under a lock file, so two writers never lose each
 * other's update; the write itself is temp + fsync + rename, so a crash never leaves half a file.
 */

export function defaultStateDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_STATE_HOME || path.join(homeDir(env), '.local', 'state');
  return path.join(base, 'ringrift-sync');
}

/** `distributed_hosts-1a2b3c4d5e.json`: readable, and distinct for two files of the same name. */
export function stateFileName(hostsFile: string): string {
  const abs = path.resolve(hostsFile);
  const stem = path.basename(abs).replace(/\.ya?ml$/i, '').replace(/[^A-Za-z0-9_.-]/g, '_');
  return `${stem}-${createHash('sha1').update(abs).digest('hex').slice(0, 10)}.json`;
}

const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 10_000;

export class StateStore {
  readonly file: string;
  private readonly lockFile: string;

  constructor(
    readonly dir: string,
    hostsFile: string,
    /** Where warnings go (a corrupt file set aside, a stale lock taken over). */
    private readonly warn: (message: string) => void = () => undefined,
  ) {
    this.file = path.join(dir, stateFileName(hostsFile));
    this.lockFile = this.file + '.lock';
  }

  /** The current state (empty when there is none yet). A corrupt file is set aside, never fatal. */
  read(): RouterState {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
      this.warn(`cannot read router state ${this.file}: ${describeError(err)}; starting from empty state`);
      return emptyState();
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (isRouterState(parsed)) return normaliseCodes(parsed);
      this.setAside('it is not a ringrift-sync state file of this version');
    } catch (err) {
      this.setAside(`it is not valid JSON (${describeError(err)})`);
    }
    return emptyState();
  }

  /** Applies `change` to the freshest state under the lock and saves it. Returns what `change` returned. */
  async update<T>(change: (state: RouterState) => T): Promise<T> {
    await this.lock();
    try {
      const state = this.read();
      const out = change(state);
      this.write(state);
      return out;
    } finally {
      this.unlock();
    }
  }

  private write(state: RouterState): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, JSON.stringify(state));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
  }

  private setAside(why: string): void {
    const aside = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    try {
      fs.renameSync(this.file, aside);
      this.warn(`router state ${this.file} was set aside as ${aside}: ${why}; starting from empty state`);
    } catch (err) {
      this.warn(`router state ${this.file} is unusable (${why}) and could not be set aside: ${describeError(err)}`);
    }
  }

  private async lock(): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true });
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      try {
        const fd = fs.openSync(this.lockFile, 'wx', 0o600);
        fs.writeSync(fd, `${process.pid} ${Date.now()}\n`);
        fs.closeSync(fd);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      if (this.lockIsStale()) {
        this.warn(`took over a stale lock ${this.lockFile}`);
        fs.rmSync(this.lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`router state is locked by another ringrift-sync (${this.lockFile}); if none is running, delete that file`);
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  /** A lock whose process is gone, or that is older than any write could take, is stale. */
  private lockIsStale(): boolean {
    try {
      const [pidText, timeText] = fs.readFileSync(this.lockFile, 'utf8').trim().split(' ');
      const pid = Number(pidText);
      if (Date.now() - Number(timeText) > LOCK_STALE_MS) return true;
      if (pid > 0 && pid !== process.pid) {
        try {
          process.kill(pid, 0);
        } catch (err) {
          return (err as NodeJS.ErrnoException).code === 'ESRCH';
        }
      }
      return false;
    } catch {
      return false; // vanished between open and read: retry
    }
  }

  private unlock(): void {
    fs.rmSync(this.lockFile, { force: true });
  }
}
