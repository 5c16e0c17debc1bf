/**
 * sha256 of local files hashed while being sent, by fileKey (device, inode, size, mtime): a file pushed to
 * many nodes is hashed on its first push only; any change to the file means a new key. Shared by
 * both push dialects of the HTTP transports (resumable PUT and the orchestrator's upload).
 */
const sentHashes = new Map<string, string>();
const SENT_HASHES_KEPT = 16;

export function recallSha(key: string): string | undefined {
  return sentHashes.get(key);
}

export function rememberSha(key: string, sha: string): void {
  sentHashes.delete(key);
  sentHashes.set(key, sha);
  if (sentHashes.size > SENT_HASHES_KEPT) sentHashes.delete(sentHashes.keys().next().value!);
}

export function forgetSha(key: string): void {
  sentHashes.delete(key);
}

/** Forgets the remembered hashes (benchmarks measure the first push of a file with it). */
export function forgetSentHashes(): void {
  sentHashes.clear();
}
