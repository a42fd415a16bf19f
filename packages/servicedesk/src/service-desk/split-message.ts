/**
 * Splits a message longer than Genesys' 4,000-character limit into parts that each fit, cutting at the last line
 * break or space before the limit when there is one, so words stay whole. Parts keep their order.
 */
export function splitMessage(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const cut = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '));
    // A cut in the first half would make tiny parts; a word longer than that is cut where it must be.
    const at = cut > max / 2 ? cut : max;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^[ \n]/, '');
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}
