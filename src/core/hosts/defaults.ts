/**
 * What a host gets when a field is absent, written once: the normaliser applies these and the
 * field table (fields.ts) documents them, so hover, schema and behaviour cannot disagree.
 */
export const DEFAULT_USER = 'ubuntu';
export const DEFAULT_SSH_PORT = 22;
export const DEFAULT_P2P_PORT = 8770;
/** A host without `status:` is synced: a minimal hand-written file should just work. */
export const DEFAULT_STATUS = 'ready';
/** RingRift's own default (synaptent/RingRift@2aa9f89 ai-service/app/config/cluster_config.py:713 and :948). */
export const DEFAULT_RINGRIFT_PATH = '~/ringrift/ai-service';
/** RingRift's data server (cluster_config.py:727, unified_config.py:749). */
export const DEFAULT_DATA_SERVER_PORT = 8766;
