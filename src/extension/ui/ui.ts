import type { HostKeyDecision, UnknownHostKeyInfo } from '../../core/transports/transport';

/**
 * Everything the commands ask of a person, behind one small interface: the VS Code implementation
 * is vscodeUi.ts; the extension-host tests swap methods of it for stubs (through the API), since
 * nobody clicks dialogs there. The core never sees this: it asks through TransportOptions callbacks.
 */
export interface PickItem {
  /** What the pick returns. */
  id: string;
  label: string;
  description?: string;
  detail?: string;
  picked?: boolean;
}

export interface ProgressReport {
  message?: string;
  /** Percent of the whole, added to what was reported before (VS Code's `increment`). */
  increment?: number;
}

export interface Ui {
  info(message: string, ...actions: string[]): Promise<string | undefined>;
  warn(message: string, ...actions: string[]): Promise<string | undefined>;
  error(message: string, ...actions: string[]): Promise<string | undefined>;
  /** A modal yes/no; true only when `confirmLabel` was chosen. */
  confirm(message: string, detail: string, confirmLabel: string): Promise<boolean>;
  pickMany(items: PickItem[], title: string): Promise<string[] | undefined>;
  pickOne(items: PickItem[], title: string): Promise<string | undefined>;
  pickFile(title: string): Promise<string | undefined>;
  askText(prompt: string, value: string): Promise<string | undefined>;
  askHostKey(info: UnknownHostKeyInfo): Promise<HostKeyDecision>;
  /** A password-style input (the text is masked); undefined when dismissed. */
  askSecret(title: string, prompt: string): Promise<string | undefined>;
  /** `again`: the last answer was wrong. */
  askPassphrase(keyPath: string, again: boolean): Promise<string | undefined>;
  /** Runs `task` with a progress notification whose Cancel aborts `signal`. */
  withProgress<T>(title: string, task: (report: (r: ProgressReport) => void, signal: AbortSignal) => Promise<T>): Promise<T>;
  copy(text: string): Promise<void>;
  /** Opens read-only Markdown (history, stats) in an editor. */
  showMarkdown(title: string, markdown: string): Promise<void>;
}

/**
 * The core's prompt callbacks over a Ui: one dialog at a time (a fleet test may meet ten unknown
 * keys at once); "accept once" holds for the rest of that command run (its other transports); a
 * passphrase is asked once per key file per session, as ssh-agent would keep it.
 */
export function corePrompts(
  ui: () => Ui,
  /** Whether a passphrase opens the key (so a typo is asked again, not cached). */
  opensKey: (keyPath: string, passphrase: string) => boolean,
): {
  onUnknownHostKey: (info: UnknownHostKeyInfo) => Promise<HostKeyDecision>;
  onPassphrase: (keyPath: string) => Promise<string | undefined>;
  /** Ends the scope of "accept once" answers (each command run is one scope). */
  forgetOnceDecisions: () => void;
} {
  let queue: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(ask: () => Promise<T>): Promise<T> => {
    const next = queue.then(ask, ask);
    queue = next.catch(() => undefined);
    return next;
  };
  const onceDecisions = new Map<string, HostKeyDecision>();
  const passphrases = new Map<string, Promise<string | undefined>>();
  return {
    onUnknownHostKey: (info) =>
      oneAtATime(async () => {
        // The same key of the same host, already accepted once in this command run: do not ask again.
        const key = `${info.host}:${info.port} ${info.fingerprint}`;
        const known = onceDecisions.get(key);
        if (known) return known;
        const decision = await ui().askHostKey(info);
        if (decision === 'once') onceDecisions.set(key, decision);
        return decision;
      }),
    onPassphrase: (keyPath) => {
      const cached = passphrases.get(keyPath);
      if (cached) return cached;
      const asked = oneAtATime(async () => {
        for (let attempt = 0; attempt < 3; attempt++) {
          const answer = await ui().askPassphrase(keyPath, attempt > 0);
          if (answer === undefined || opensKey(keyPath, answer)) return answer;
        }
        return undefined;
      });
      passphrases.set(keyPath, asked);
      // A cancelled prompt is not remembered: the next use asks again.
      void asked.then((p) => p === undefined && passphrases.delete(keyPath));
      return asked;
    },
    forgetOnceDecisions: () => onceDecisions.clear(),
  };
}
