import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FAKE_FREE_BYTES_ENV, STALL_AFTER_BYTES_ENV, type AgentConfig } from '../../agent/config';
import { startAgent } from '../../agent/server';
import { DEFAULT_P2P_PORT } from '../../core/hosts/defaults';
import { describeError } from '../../core/result';
import { EXIT_OK, UsageError, intOpt, stringOpt, type CliCommand } from '../command';
import pkg from '../../../package.json';

/** A test-only byte count from an environment variable. */
function envBytes(env: NodeJS.ProcessEnv, envName: string): number | undefined {
  const raw = env[envName];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`${envName} takes a whole number of bytes, got '${raw}'`);
  return Number(raw);
}

export const agentCommand: CliCommand = {
  usage: 'agent --port P --root DIR [--bind ADDR] [--token T] [--name NODE]',
  help: `Options:
  --port P            port to listen on (the node's p2p_port, default ${DEFAULT_P2P_PORT}; 0 picks a free one)
  --root DIR          directory files land under (the node's ringrift_path); must exist
  --bind ADDR         address to listen on (default 0.0.0.0: every interface)
  --token T           require 'Authorization: Bearer T' (or 'X-RingRift-Auth: T') on every request but GET /health
  --name NODE         node name reported by /health (default: this machine's hostname)
  --fake-free-bytes N test only: report N free bytes, to exercise "disk full" (also ${FAKE_FREE_BYTES_ENV})

Protocol: GET /health, GET /status, HEAD|PUT /files/<path> (resumable upload, see DESIGN.md), and the
RingRift orchestrator's GET /files/data|models/<path> (with Range), GET /files/info, POST /files/upload,
GET /sync/file, POST /sync/pull (its data dir is <root>/data).
Logs one line per request to stderr; stops on SIGTERM or Ctrl-C, keeping partial uploads for resume.`,
  options: {
    port: { type: 'string' },
    root: { type: 'string' },
    bind: { type: 'string' },
    token: { type: 'string' },
    name: { type: 'string' },
    'fake-free-bytes': { type: 'string' },
  },
  allowPositionals: false,
  async run(args, io) {
    const port = intOpt(args, 'port', 0) ?? DEFAULT_P2P_PORT;
    if (port > 65535) throw new UsageError(`--port takes 0-65535, got ${port}`);
    const rootArg = stringOpt(args, 'root');
    if (!rootArg) throw new UsageError('--root DIR is required: the directory pushed files land under (the node\'s ringrift_path)');
    const root = path.resolve(io.cwd, rootArg);
    if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
      throw new UsageError(`--root ${root} is not an existing directory; create it first (mkdir -p ${root})`);
    }
    const token = stringOpt(args, 'token');
    if (token === '') throw new UsageError('--token is empty; give a token or leave the flag out');
    const bind = stringOpt(args, 'bind') ?? '0.0.0.0';
    const config: AgentConfig = {
      root,
      name: stringOpt(args, 'name') ?? os.hostname(),
      version: pkg.version,
      token,
      fakeFreeBytes: intOpt(args, 'fake-free-bytes', 0) ?? envBytes(io.env, FAKE_FREE_BYTES_ENV),
      stallAfterBytes: envBytes(io.env, STALL_AFTER_BYTES_ENV),
      log: (line) => io.stderr(line + '\n'),
    };
    let agent;
    try {
      agent = await startAgent(config, port, bind);
    } catch (err) {
      io.stderr(`ringrift-sync agent: cannot listen on ${bind}:${port}: ${describeError(err)}\n`);
      return 1;
    }
    io.stdout(`listening on ${agent.url} root ${root}\n`);
    if (config.fakeFreeBytes !== undefined) io.stderr(`test fault: reporting ${config.fakeFreeBytes} free bytes\n`);
    if (config.stallAfterBytes !== undefined) io.stderr(`test fault: every PUT stores only the first ${config.stallAfterBytes} bytes and never answers\n`);
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await agent.close();
    io.stderr('agent stopped\n');
    return EXIT_OK;
  },
};
