import { classify, type NodeReport } from '../../../../src/core/doctor';
import { fail, healthy, port, sshFails } from '../../core/doctor/evidenceFixtures';

/**
 * Node reports as the doctor core makes them, from the core's recorded evidence (gpu-7 at
 * 10.0.0.7): classify runs for real, so the extension is tested against real causes and fixes.
 */
function reportOf(ev: ReturnType<typeof healthy>): NodeReport {
  return { node: ev.target.node, causes: classify(ev), evidence: ev };
}

/** p2p refuses while SSH works: agent_not_running, fixed over SSH (runOn here, changes the node). */
export const agentDown = (): NodeReport => reportOf(port(fail(healthy(), 'p2p', 'refused'), 'p2p', 'refused'));

/** Every port refuses: node_offline on p2p, rsync and base64, one fix. */
export const offline = (): NodeReport => reportOf(port(port(sshFails(fail(healthy(), 'p2p', 'refused'), 'refused'), 'p2p', 'refused'), 'ssh', 'refused'));

/** The SSH port times out while the agent answers: port_blocked, fixed on the node's console. */
export const sshBlocked = (): NodeReport => reportOf(port(sshFails(healthy(), 'connect_timeout'), 'ssh', 'timeout'));

export const allGood = (): NodeReport => reportOf(healthy());
