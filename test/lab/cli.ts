import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Lab, STATE_FILE, startLab } from './lab';
import { cleanStaleLab, removeGuardRouteIfUnused } from './namespaces';
import { PRESETS, describeProfile, parseProfile, type LinkProfile } from './profiles';

/**
 * The lab by hand (as root):
 *   node --import tsx test/lab/cli.ts up 3 [--profile wan] [--profile n2=nat] [--orchestrator n3] [--dir DIR]
 *   node --import tsx test/lab/cli.ts profile n2 rtt=80,loss=1% [--dir DIR]
 *   node --import tsx test/lab/cli.ts agent n2 stop|start [--dir DIR]
 *   node --import tsx test/lab/cli.ts status | down [--dir DIR]
 */

const USAGE = `usage: cli.ts up N [--profile P | --profile NODE=P]... [--orchestrator NODE]... | profile NODE P | agent NODE stop|start | status | down   [--dir DIR]
profiles: ${Object.keys(PRESETS).join(', ')}, or a spec like rtt=40/5,loss=0.5%,rate=200,reset-after=16M,
          syn-drop=8770,reject=8770,flap=5000/20000,mtu=1280,nat[=ssh]`;

const DEFAULT_DIR = path.join(os.tmpdir(), 'rrlab');

/** `--profile wan` applies to every node; `--profile n2=nat` to one (later ones win). */
function profilesFor(names: string[], specs: string[]): Record<string, LinkProfile> {
  const out: Record<string, LinkProfile> = {};
  for (const spec of specs) {
    const m = /^([\w.-]+)=(.+)$/.exec(spec);
    if (m && names.includes(m[1])) out[m[1]] = parseProfile(m[2]);
    else for (const name of names) out[name] = parseProfile(spec);
  }
  return out;
}

function printLab(lab: Lab): void {
  const s = lab.state;
  console.log(`lab dir     ${s.dir}`);
  console.log(`hosts file  ${s.hostsFile}`);
  console.log(`known_hosts ${s.knownHosts}`);
  console.log(`client key  ${s.clientKey}\n`);
  for (const n of lab.nodes) {
    const link = lab.linkUp(n.name) ? '' : ' (link down)';
    const service = n.service === 'orchestrator' ? ' [RingRift orchestrator]' : '';
    console.log(`  ${n.name.padEnd(10)} ${n.address.padEnd(12)} ${n.ns.padEnd(14)} ${describeProfile(lab.profileOf(n.name))}${link}${service}`);
  }
  console.log('\nenvironment (the CLI finds the lab; every sender uses CUBIC):');
  for (const [k, v] of Object.entries(lab.env())) console.log(`  export ${k}=${v}`);
  const first = lab.nodes[0];
  console.log(`\ntry:  node dist/cli.js sync ${first.name} --path FILE`);
  console.log(`      ssh ${lab.sshOptions().join(' ')} ${lab.sshTarget(first.name)}`);
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { profile: { type: 'string', multiple: true }, orchestrator: { type: 'string', multiple: true }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const dir = path.resolve(values.dir ?? DEFAULT_DIR);
  const [cmd, ...rest] = positionals;
  if (values.help || !cmd) return console.log(USAGE);
  switch (cmd) {
    case 'up': {
      const count = Number(rest[0] ?? 3);
      if (!Number.isInteger(count) || count < 1 || count > 250) throw new Error(`up N: N must be 1..250, got '${rest[0]}'`);
      const names = Array.from({ length: count }, (_, i) => `n${i + 1}`);
      fs.rmSync(dir, { recursive: true, force: true });
      const orchestrator = values.orchestrator ?? [];
      const unknown = orchestrator.filter((n) => !names.includes(n));
      if (unknown.length) throw new Error(`--orchestrator names no node of this lab: ${unknown.join(', ')} (have ${names.join(', ')})`);
      const lab = await startLab({ nodes: names, profile: profilesFor(names, values.profile ?? []), orchestrator, dir });
      // The lab outlives this command; its lock does not (a test run will then take the machine).
      lab.unlock();
      return printLab(lab);
    }
    case 'profile': {
      const [node, spec] = rest;
      if (!node || !spec) throw new Error('profile NODE PROFILE');
      const lab = Lab.load(dir);
      await lab.setProfile(node, parseProfile(spec));
      return console.log(`${node}: ${describeProfile(lab.profileOf(node))}`);
    }
    case 'agent': {
      const [node, action] = rest;
      if (!node || (action !== 'start' && action !== 'stop')) throw new Error('agent NODE start|stop');
      const lab = Lab.load(dir);
      await (action === 'stop' ? lab.stopAgent(node) : lab.startAgent(node));
      return console.log(`${node}: agent ${action === 'stop' ? 'stopped' : 'running'}`);
    }
    case 'status':
      return printLab(Lab.load(dir));
    case 'down':
      if (fs.existsSync(path.join(dir, STATE_FILE))) await Lab.load(dir).stop();
      // Also whatever a crashed `up` left (only rrlab-* names).
      await cleanStaleLab();
      removeGuardRouteIfUnused();
      return console.log('lab down');
    default:
      throw new Error(`unknown command '${cmd}'\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err: Error) => {
  console.error(`rrlab: ${err.message}`);
  process.exit(1);
});
