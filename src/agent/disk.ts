import * as fs from 'node:fs/promises';

export interface DiskSpace {
  freeBytes: number;
  totalBytes: number;
}

/**
 * Free and total bytes of the filesystem holding `dir` (free = what an unprivileged writer may use).
 * `fakeFreeBytes` is a test-only switch (--fake-free-bytes / RINGRIFT_AGENT_FAKE_FREE_BYTES) that
 * makes a roomy test machine look full.
 */
export async function diskSpace(dir: string, fakeFreeBytes?: number): Promise<DiskSpace> {
  const st = await fs.statfs(dir);
  const totalBytes = st.blocks * st.bsize;
  return { freeBytes: fakeFreeBytes ?? st.bavail * st.bsize, totalBytes };
}
