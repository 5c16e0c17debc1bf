import { parseArgs } from 'node:util';
import { COMMON_HELP, COMMON_OPTIONS, EXIT_USAGE, ExitError, UsageError, type CliCommand, type CliIO } from './command';
import { COMMANDS, type CommandEntry } from './commands';
import { describeError } from '../core/result';

const VERSION = '0.1.0';

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `ringrift-sync ${VERSION}: push files to RingRift nodes over p2p -> http -> rsync -> base64, and recover.

Usage: ringrift-sync <command> [options]

Commands:
${lines.join('\n')}

Run 'ringrift-sync <command> --help' for a command's options.
`;
}

export function commandHelp(entry: CommandEntry, cmd: CliCommand): string {
  return `Usage: ringrift-sync ${cmd.usage}\n\n${entry.summary}\n${cmd.help ? `\n${cmd.help}\n` : ''}\n${COMMON_HELP}\n`;
}

/** Runs one CLI invocation; returns the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(topHelp());
    return name ? 0 : EXIT_USAGE;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    io.stderr(`ringrift-sync: unknown command '${name}' (commands: ${COMMANDS.map((c) => c.name).join(', ')})\n`);
    return EXIT_USAGE;
  }
  const cmd = entry.load();
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...COMMON_OPTIONS, ...cmd.options },
      allowPositionals: cmd.allowPositionals,
      strict: true,
    });
  } catch (err) {
    // Node's parseArgs adds a paragraph about '--' to unknown options; the first sentence says it.
    const message = describeError(err).replace(/\. To specify a positional argument.*?(\(ERR_[A-Z_]+\))?$/s, '');
    io.stderr(`ringrift-sync ${name}: ${message} (see 'ringrift-sync ${name} --help')\n`);
    return EXIT_USAGE;
  }
  if (parsed.values.help) {
    io.stdout(commandHelp(entry, cmd));
    return 0;
  }
  try {
    return await cmd.run(parsed as never, io);
  } catch (err) {
    if (err instanceof ExitError) return err.code;
    // A UsageError is expected input trouble; anything else is our bug, still one line, never a stack.
    const prefix = err instanceof UsageError ? '' : 'internal error: ';
    io.stderr(`ringrift-sync ${name}: ${prefix}${describeError(err)}\n`);
    return err instanceof UsageError ? EXIT_USAGE : 1;
  }
}

if (require.main === module) {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(`\nringrift-sync: ${sig}: stopping (partial files stay resumable); press Ctrl-C again to force\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const io: CliIO = {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  };
  runCli(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`ringrift-sync: internal error: ${describeError(err)}\n`);
      process.exitCode = 1;
    },
  );
}
