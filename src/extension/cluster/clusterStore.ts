import type { NodeSpec } from '../../core/hosts';
import type { HostsDocument } from '../../core/language';
import type { NodeReport } from '../../core/doctor';
import { emptyState, type RouterState } from '../../core/router';
import type { Result } from '../../core/result';
import type { ClusterSession } from '../../core/session';
import type { TransportOptions } from '../../core/transports/transport';
import type { HostsState } from '../hosts/hostsState';
import type { ExtensionSettings } from '../settings/extensionSettings';
import { EVENT_LOOP_SLICING, LatestWins, type Slicing } from '../../core/slicedRun';
import { buildTreeSteps, type BuiltTree } from '../tree/buildTree';
import type { ClusterSummary } from '../tree/summaryEntry';
import type { TreeEntry } from '../tree/treeEntry';
import { DEFAULT_VIEW, type ViewOptions } from '../tree/viewOptions';
import { ClusterService } from './clusterService';
import { EditorTexts } from './editorTexts';
import { EventLog } from './eventTail';
import { KeyedTimers } from './keyedTimers';
import { DiagnosisMemory } from './lastDiagnosis';
import { LiveProbes } from './liveProbes';
import { SerialRun } from './serialRun';
import { REAL_TIMERS, type EditorText, type Log, type Timers, type TokenSource } from './storePorts';
import { NO_UNSAVED_CHANGES, sameUnsavedChanges, type UnsavedChanges } from './unsavedChanges';

export interface ClusterStoreDeps {
  /** Locates and loads the saved hosts file; never throws. */
  loadHosts: () => Promise<HostsState>;
  settings: () => ExtensionSettings;
  env: NodeJS.ProcessEnv;
  token: TokenSource;
  /** UI prompts the core asks through (unknown host keys, key passphrases). */
  prompts: Pick<TransportOptions, 'onUnknownHostKey' | 'onPassphrase'>;
  log: Log;
  /** File watchers fire several events for one save, editors one per keystroke: wait this long after the last. */
  debounceMs?: number;
  timers?: Timers;
  clock?: () => number;
  /** How a big cluster's tree is built without blocking the extension host. */
  slicing?: Slicing;
}

/** Live probe results arrive in bursts; one repaint per this many ms is plenty... */
const REPAINT_MS = 100;
/** ...or, for a big cluster, per this many times the last rebuild took (keeps a test of 1,000 nodes under ~25% CPU). */
const REPAINT_FACTOR = 4;
/** State-dir events come in pairs (temp file, rename): re-read once after they settle. */
const STATE_DEBOUNCE_MS = 150;

/**
 * The extension's one cluster store: the saved hosts file and the open editor's unsaved text of it
 * (each parsed once), the router state, the last diagnoses, tests in flight, the tree arrangement,
 * and the core session (opened when a command first needs it). It tells listeners through ONE
 * change event; the tree, dashboard, status bar, lenses and commands are projections of it.
 */
export class ClusterStore {
  readonly live = new LiveProbes();
  readonly diagnoses = new DiagnosisMemory();
  /** The core session and the state dir (setting or default). */
  readonly service: ClusterService;
  private readonly texts = new EditorTexts();
  private readonly treeBuild: LatestWins;
  private readonly events: EventLog;
  private readonly listeners = new Set<() => void>();
  private readonly timers: KeyedTimers<'reload' | 'state' | 'repaint' | 'unsaved'>;
  private readonly loading = new SerialRun(() => this.loadOnce());
  private readonly unsubscribes: Array<() => void>;
  private saved: HostsState | undefined;
  private routerState: RouterState = emptyState();
  private unsavedNow: UnsavedChanges = NO_UNSAVED_CHANGES;
  private viewOptions: ViewOptions = DEFAULT_VIEW;
  private built: BuiltTree = { roots: [] };
  private lastBuildMs = 0;

  constructor(private readonly deps: ClusterStoreDeps) {
    this.treeBuild = new LatestWins(deps.slicing ?? EVENT_LOOP_SLICING);
    this.timers = new KeyedTimers(deps.timers ?? REAL_TIMERS);
    this.events = new EventLog(deps.log);
    this.service = new ClusterService({
      hosts: () => this.saved,
      settings: deps.settings,
      env: deps.env,
      storedToken: () => deps.token.get(),
      prompts: deps.prompts,
      log: deps.log,
    });
    this.events.follow(this.service.stateDir());
    this.unsubscribes = [
      // Throttle, not debounce: results keep coming for a while, and each should show soon.
      this.live.onDidChange(() => {
        if (!this.timers.has('repaint')) this.timers.schedule('repaint', Math.max(REPAINT_MS, REPAINT_FACTOR * this.lastBuildMs), () => this.rebuild());
      }),
      deps.token.onDidChange(() => this.service.invalidate()),
    ];
  }

  /** Returns an unsubscribe function. */
  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The saved hosts file as last loaded (what every command acts on). */
  hosts(): HostsState | undefined {
    return this.saved;
  }

  /** The loaded (or unreadable) hosts file's path. */
  hostsFile(): string | undefined {
    return this.saved && this.saved.kind !== 'not_found' ? this.saved.file : undefined;
  }

  nodes(): NodeSpec[] {
    return this.saved?.kind === 'loaded' ? this.saved.hosts.nodes : [];
  }

  router(): RouterState {
    return this.routerState;
  }

  /** How the open editor of the hosts file differs from the saved file (none when it is saved or closed). */
  unsaved(): UnsavedChanges {
    return this.unsavedNow;
  }

  roots(): TreeEntry[] {
    return this.built.roots;
  }

  summary(): ClusterSummary | undefined {
    return this.built.summary;
  }

  message(): string | undefined {
    return this.built.message;
  }

  view(): ViewOptions {
    return this.viewOptions;
  }

  /** The one parse of an open editor's text (diagnostics, lenses, hovers and the unsaved marks share it), once up to date. */
  parse(text: EditorText): Promise<HostsDocument> {
    return this.texts.parse(text);
  }

  /** Names of the saved file's nodes when `fileName` is the loaded hosts file; undefined for any other file. */
  savedNodeNames(fileName: string): ReadonlySet<string> | undefined {
    return fileName === this.hostsFile() ? new Set(this.nodes().map((n) => n.name)) : undefined;
  }

  /** The core session, opened on first use; or why there is none (no hosts file, unreadable). */
  session(): Result<ClusterSession, 'no_hosts'> {
    return this.service.session();
  }

  setView(change: Partial<ViewOptions>): void {
    this.viewOptions = { ...this.viewOptions, ...change };
    this.rebuild();
  }

  /** Reload the saved file now. A request during a reload runs once more after it. */
  reload(): Promise<void> {
    return this.loading.run();
  }

  /** Reload after a quiet spell (file watchers, settings, workspace folders). */
  scheduleReload(): void {
    this.timers.schedule('reload', this.deps.debounceMs ?? 300, () => void this.reload());
  }

  /** The state dir changed (a CLI run, another window, our own write): re-read it soon, log new events. */
  stateDirChanged(): void {
    this.timers.schedule('state', STATE_DEBOUNCE_MS, () => this.refreshState());
    this.events.logNew();
  }

  /** After a command changed shared state: re-read it now, log the events it wrote. */
  afterChange(): void {
    this.refreshState();
    this.events.logNew();
  }

  /** Settings changed: the next command opens a new session; the state dir may be another one. */
  settingsChanged(): void {
    this.service.invalidate();
    this.events.follow(this.service.stateDir());
    this.refreshState();
  }

  recordDiagnosis(report: NodeReport, at: number): void {
    this.diagnoses.record(report, at);
  }

  /** An editor's text opened or changed. Only the hosts file's own editor matters to the tree. */
  editorChanged(text: EditorText): void {
    this.texts.opened(text);
    if (text.fileName === this.hostsFile()) this.timers.schedule('unsaved', this.deps.debounceMs ?? 300, () => this.compareUnsaved());
  }

  /** Saved: reload without waiting for the file watcher (which may be slow, or miss a file outside the workspace). */
  editorSaved(text: EditorText): void {
    this.editorChanged(text);
    if (text.fileName === this.hostsFile()) this.scheduleReload();
  }

  editorClosed(text: EditorText): void {
    this.texts.closed(text);
    if (text.fileName === this.hostsFile()) this.compareUnsaved();
  }

  dispose(): void {
    this.timers.clearAll();
    this.unsubscribes.forEach((u) => u());
    this.listeners.clear();
  }

  private refreshState(): void {
    if (this.saved) this.routerState = this.service.readState(this.saved);
    this.rebuild();
  }

  /** Marks what the editor's unsaved text changes, once its parse is up to date. */
  private compareUnsaved(): void {
    const file = this.hostsFile();
    const editor = this.texts.dirtyEditor(file);
    void this.texts.unsavedAgainst(file, this.nodes()).then((next) => {
      // Edited, saved or closed since: the compare that scheduled decides.
      if (this.texts.dirtyEditor(file) !== editor || file !== this.hostsFile() || sameUnsavedChanges(next, this.unsavedNow)) return;
      this.unsavedNow = next;
      this.rebuild();
    });
  }

  private async loadOnce(): Promise<void> {
    const t0 = Date.now();
    const state = await this.deps.loadHosts();
    this.saved = state;
    // The session follows the file: the next command opens one over what was just loaded.
    this.service.invalidate();
    this.routerState = this.service.readState(state);
    const ms = Date.now() - t0;
    if (state.kind === 'loaded') {
      const errors = state.hosts.diagnostics.filter((d) => d.severity === 'error').length;
      this.deps.log.info(`loaded ${state.hosts.nodes.length} node(s) from ${state.file} in ${ms} ms${errors ? `, ${errors} error(s)` : ''}`);
    } else {
      this.deps.log.warn(state.message);
    }
    this.rebuild();
    this.compareUnsaved();
  }

  /** Builds the tree in slices (a big cluster's takes long); a newer build replaces one under way. */
  private rebuild(): void {
    if (!this.saved) return;
    const t0 = Date.now();
    const steps = buildTreeSteps({
      hosts: this.saved,
      state: this.routerState,
      now: (this.deps.clock ?? Date.now)(),
      thresholds: this.service.thresholds(),
      live: (n) => this.live.get(n),
      diagnosis: (n) => this.diagnoses.get(n),
      unsaved: this.unsavedNow,
      view: this.viewOptions,
    });
    this.treeBuild.start(steps, (built) => this.showTree(built, t0));
  }

  private showTree(built: BuiltTree, t0: number): void {
    this.built = built;
    this.lastBuildMs = Date.now() - t0;
    for (const listener of this.listeners) listener();
  }
}
