import type { ServiceDeskStrings } from './strings';

/**
 * What a waiting customer reads in the host's waiting banner: the place in line and the expected wait, in words ("less
 * than a minute", not "0 minutes"). The hosts' own wording for these numbers says "Current wait time is 0 minutes"
 * and, in Carbon, renders an unkeyed React list; a `message` of ours avoids both. Undefined when neither is known.
 */
export function waitMessage(
  a: { positionInQueue?: number; estimatedWaitTime?: number },
  strings: ServiceDeskStrings,
): string | undefined {
  const parts: string[] = [];
  if (a.positionInQueue !== undefined && a.positionInQueue > 0)
    parts.push(strings.placeInLine.replace('{position}', String(a.positionInQueue)));
  // The middleware rounds the wait up to whole minutes: 0 is under a minute, 1 is up to one.
  const minutes = a.estimatedWaitTime;
  if (minutes !== undefined && minutes >= 0)
    parts.push(
      minutes === 0
        ? strings.waitUnderAMinute
        : minutes === 1
          ? strings.waitAboutAMinute
          : strings.waitMinutes.replace('{minutes}', String(minutes)),
    );
  return parts.length > 0 ? parts.join(' ') : undefined;
}
