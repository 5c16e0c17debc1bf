import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The real RingRift P2P orchestrator for integration tests, through the recipe copied next to this
 * file (orchestrator/orchestrator.sh): each instance runs in a network namespace of its own
 * (rroN at 10.202.N.2:8770, no default route). Starting fails the test, never skips it.
 */
const SCRIPT = path.join(__dirname, 'orchestrator', 'orchestrator.sh');
/** A cold start extracts the tarball, makes a venv and installs wheels: ~15 s measured, bound at 4 min. */
const UP_TIMEOUT_MS = 240_000;

export interface Orchestrator {
  dir: string;
  n: number;
  nodeId: string;
  addr: string;
  port: number;
  url: string;
  token: string;
  pid: number;
  ns: string;
  dataDir: string;
  log: string;
  hostsFile: string;
}

function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [SCRIPT, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-8000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (e) => (err += `\n${e.message}`));
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]] = m[2];
  }
  return vars;
}

/** `orchestrator.sh up DIR N`; throws (the test fails) with the script's own words when it cannot start. */
export async function orchestratorUp(dir: string, n: number, opts: { token?: string } = {}): Promise<Orchestrator> {
  const env: NodeJS.ProcessEnv = { ...process.env, RR_ORCH_TOKEN: opts.token ?? '', RR_ORCH_NODE_ID: '' };
  const r = await run(['up', dir, String(n)], env, UP_TIMEOUT_MS);
  const envFile = path.join(dir, 'orchestrator.env');
  if (r.code !== 0 || !fs.existsSync(envFile)) {
    const stderr = r.err.split('\n').filter((l) => !l.startsWith('WARNING: Location')).join('\n').trim();
    throw new Error(
      `the real RingRift orchestrator did not start (orchestrator.sh up ${dir} ${n} exited ${r.code}): ${stderr || 'no output'}\n` +
        'It needs root, python3 with venv (Debian: python3-venv), iproute2 and the wheels of requirements.txt from pip\'s configured index: run scripts/install-test-deps.sh',
    );
  }
  return fromEnvFile(dir, n, parseEnvFile(fs.readFileSync(envFile, 'utf8')));
}

function fromEnvFile(dir: string, n: number, v: Record<string, string>): Orchestrator {
  return {
    dir,
    n,
    nodeId: v.RR_ORCH_NODE_ID,
    addr: v.RR_ORCH_ADDR,
    port: Number(v.RR_ORCH_PORT),
    url: v.RR_ORCH_URL,
    token: v.RR_ORCH_TOKEN,
    pid: Number(v.RR_ORCH_PID),
    ns: v.RR_ORCH_NS,
    dataDir: v.RR_ORCH_DATA_DIR,
    log: v.RR_ORCH_LOG,
    hostsFile: path.join(dir, 'distributed_hosts.yaml'),
  };
}

/**
 * `orchestrator.sh start-in DIR NS ADDR NODE_ID`: the real orchestrator in a namespace someone else
 * made (a network lab node), with `token`. Stopped by its PID; its ringrift_path is DIR/ringrift/ai-service.
 */
export async function orchestratorStartIn(dir: string, ns: string, addr: string, nodeId: string, token: string): Promise<Orchestrator> {
  const r = await run(['start-in', dir, ns, addr, nodeId], { ...process.env, RR_ORCH_TOKEN: token }, UP_TIMEOUT_MS);
  const envFile = path.join(dir, 'orchestrator.env');
  if (r.code !== 0 || !fs.existsSync(envFile)) {
    throw new Error(`the real RingRift orchestrator did not start in ${ns} (orchestrator.sh start-in exited ${r.code}): ${r.err.trim() || 'no output'}`);
  }
  return fromEnvFile(dir, 0, parseEnvFile(fs.readFileSync(envFile, 'utf8')));
}

/** Stops the instance of DIR and deletes the namespace it made (by the names in its env file). */
export async function orchestratorDown(dir: string): Promise<void> {
  const r = await run(['down', dir], process.env, 60_000);
  if (r.code !== 0) throw new Error(`orchestrator.sh down ${dir} exited ${r.code}: ${r.err.trim()}`);
}

/** A veth between the namespaces of instances a and b: returns the address of a that b reaches. */
export async function linkOrchestrators(a: Orchestrator, b: Orchestrator): Promise<string> {
  const r = await run(['link', String(a.n), String(b.n)], process.env, 30_000);
  const addr = parseEnvFile(r.out)[`RR_LINK_ADDR_${a.n}`];
  if (r.code !== 0 || !addr) throw new Error(`orchestrator.sh link ${a.n} ${b.n} exited ${r.code}: ${r.err.trim()}`);
  return addr;
}

/** The tail of the orchestrator's log, for failure messages. */
export function logTail(o: Orchestrator, lines = 30): string {
  try {
    return fs.readFileSync(o.log, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
