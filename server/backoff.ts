/** A capped exponential backoff: `baseMs`, doubled per attempt, never above `capMs`. */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/**
 * Wait before retry number `attempt` (1 = the first retry): capped exponential backoff with
 * "equal jitter", half fixed and half random, so many callers that failed together do not
 * retry together (STYLE §6; Stripe `_getSleepTimeInMS`). The Graph client and the outbox both
 * use it. `random` is injected so tests need no patched `Math.random`.
 */
export function jitteredBackoffMs(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const delay = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return delay / 2 + random() * (delay / 2);
}
