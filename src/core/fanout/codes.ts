import type { DetectFailure } from '../transports/http/orchestrator/health';
import type { InfoFailure } from '../transports/http/orchestrator/fileInfo';
import type { PullFailure } from '../transports/http/orchestrator/pull';

/**
 * Why one pull of a fan-out failed: asking the puller (what answers, the pull itself), verifying
 * its copy, or the file being one /sync/pull cannot fetch. Built from the layers' own unions.
 */
export type FanoutPullCode = PullFailure | InfoFailure | DetectFailure | 'not_configured' | 'checksum_mismatch';

/** Whose fault a failed pull is: the source's (another source may serve) or the puller's (it goes direct). */
export type PullBlame = 'source' | 'puller';

/** How a node got (or tried to get) the file: seeded from here, pulled from a peer, or the direct chain. */
export type FanoutRoute = 'seed' | 'pull' | 'direct';
