import type { MediaType } from '../config';
import type { WaitTimePredictions } from '../genesys/platform-client';

const INTENT: Record<MediaType, string> = { chat: 'CHAT', message: 'MESSAGE' };

/**
 * The estimated wait in seconds for our media type: the prediction whose intent matches it, else the one for ALL,
 * else the first (docs/platform-api.md, "Queues"). Null when Genesys gives no usable estimate; never a made-up 0.
 */
export function pickWaitSeconds(predictions: WaitTimePredictions | undefined, mediaType: MediaType): number | null {
  const results = (Array.isArray(predictions?.results) ? predictions.results : []).filter(
    (r) =>
      r &&
      typeof r.estimatedWaitTimeSeconds === 'number' &&
      Number.isFinite(r.estimatedWaitTimeSeconds) &&
      r.estimatedWaitTimeSeconds >= 0,
  );
  const chosen =
    results.find((r) => r.intent === INTENT[mediaType]) ?? results.find((r) => r.intent === 'ALL') ?? results[0];
  return chosen ? Math.round(chosen.estimatedWaitTimeSeconds) : null;
}
