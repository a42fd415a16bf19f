/**
 * Splits a message longer than the channel's limit into parts that each fit, in order. A part ends where a sentence
 * does (after `.`, `!`, `?` or `…` and a space, or at a line break) when one ends in the second half of the window;
 * else at the last space, so words stay whole; a word longer than half the limit is cut where it must be.
 */
export function splitMessage(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const at = cutPoint(rest.slice(0, max + 1), max);
    parts.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).replace(/^\s+/, '');
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}

/** Where to end the next part of at most `max` characters; `window` holds one character more, to see what follows. */
function cutPoint(window: string, max: number): number {
  const half = max / 2;
  let sentence = -1;
  for (const m of window.matchAll(/[.!?…]["'”’)\]]*(?=\s)|\n/g)) {
    const end = m.index + m[0].length;
    if (end <= max) sentence = end;
  }
  if (sentence > half) return sentence;
  const space = window.slice(0, max + 1).lastIndexOf(' ');
  if (space > half) return space;
  return max;
}
