import * as fs from 'node:fs';

/**
 * What the lab needs from the machine. A missing part fails the lab (tests never skip) with the
 * part and the Debian package that provides it.
 */

const NEEDS: { what: string; paths: string[]; apt: string }[] = [
  { what: 'ip (network namespaces, veth, TUN, policy routing)', paths: ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip'], apt: 'iproute2' },
  { what: 'tc (bandwidth limits)', paths: ['/usr/sbin/tc', '/sbin/tc'], apt: 'iproute2' },
  { what: 'nft (loss, resets, port drops, NAT)', paths: ['/usr/sbin/nft', '/sbin/nft'], apt: 'nftables' },
  { what: 'gcc (the delay line and the CUBIC shim)', paths: ['/usr/bin/gcc'], apt: 'gcc libc6-dev' },
  { what: 'OpenSSH sshd', paths: ['/usr/sbin/sshd'], apt: 'openssh-server' },
  { what: 'ssh and ssh-keygen', paths: ['/usr/bin/ssh'], apt: 'openssh-client' },
  { what: 'rsync', paths: ['/usr/bin/rsync'], apt: 'rsync' },
  { what: 'curl', paths: ['/usr/bin/curl'], apt: 'curl' },
];

/** Throws one message naming everything missing, or returns when the lab can be built. */
export function requireLabParts(): void {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push('root (network namespaces need CAP_NET_ADMIN): run as root');
  if (!fs.existsSync('/dev/net/tun')) problems.push('/dev/net/tun (the delay line): load the tun module or give the container the device');
  const apt = new Set<string>();
  for (const need of NEEDS) {
    if (need.paths.some((p) => fs.existsSync(p))) continue;
    problems.push(`${need.what}: apt-get install ${need.apt}`);
    apt.add(need.apt);
  }
  if (!problems.length) return;
  const install = apt.size ? `\n  all packages: apt-get install -y ${[...apt].join(' ')}` : '';
  throw new Error(`the network lab cannot run here; missing:\n  - ${problems.join('\n  - ')}${install}`);
}
