/** Hosts whose addresses never leave the machine the page runs on. */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The agent's picture URL the host may load, or undefined (the host then shows the agent's initial). Genesys passes
 * the URL through from whoever configured the agent, and the page fetches it, so only a picture that cannot run
 * anything, track the customer off-site or downgrade the page is accepted (the same rule holds for the files of
 * agent messages, `safeContentUrl`):
 * - `https:` anywhere;
 * - `http:` only to a loopback host (the emulator and local development) and only on a page that is not `https:`.
 * Everything else (`javascript:`, `data:` including SVG, `blob:`, `http:` to another machine, anything unparsable)
 * is refused. The rule is documented in docs/architecture.md ("Agent content in the page").
 */
export function safeAvatarUrl(
  url: string | undefined,
  pageUrl: string | undefined = currentPageUrl(),
): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol === 'https:') return parsed.href;
  if (parsed.protocol !== 'http:' || !LOOPBACK.test(parsed.hostname)) return undefined;
  return pageProtocol(pageUrl) === 'https:' ? undefined : parsed.href;
}

/** A file's URL from an agent message (shown as an image or opened as a link): the avatar rule, for the same reasons. */
export const safeContentUrl = safeAvatarUrl;

function pageProtocol(pageUrl: string | undefined): string | undefined {
  if (!pageUrl) return undefined;
  try {
    return new URL(pageUrl).protocol;
  } catch {
    return undefined;
  }
}

function currentPageUrl(): string | undefined {
  return (globalThis as { location?: { href?: string } }).location?.href;
}
