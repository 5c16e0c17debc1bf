/** How one agent process is set up (the `ringrift-sync agent` flags). */
export interface AgentConfig {
  /** Directory every `/files/<rel>` lives under (a node's `ringrift_path`); the orchestrator's data dir is ROOT/data. */
  root: string;
  /** Node name reported by /health and /status. */
  name: string;
  version: string;
  /** When set, every request needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Test-only fault: report this many free bytes instead of the disk's. */
  fakeFreeBytes?: number;
  /** Test-only fault: every PUT stores only this many body bytes and never answers (an agent wedged mid-upload). */
  stallAfterBytes?: number;
  /** POST /sync/pull: bound on connecting to the source (default 5 s). */
  pullConnectTimeoutMs?: number;
  /** POST /sync/pull: a source silent this long, before or during a file, fails that file (default 30 s). */
  pullIdleTimeoutMs?: number;
  /** One line per request and lifecycle event; default: stderr. */
  log?: (line: string) => void;
}

/** Environment names of the test-only fault switches. */
export const FAKE_FREE_BYTES_ENV = 'RINGRIFT_AGENT_FAKE_FREE_BYTES';
export const STALL_AFTER_BYTES_ENV = 'RINGRIFT_AGENT_FAULT_STALL_AFTER_BYTES';
