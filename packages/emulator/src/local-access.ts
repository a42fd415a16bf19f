import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isIP } from 'node:net';
import { GenesysError } from './errors';

/**
 * Who may reach the emulator, as one `onRequest` hook in front of every route (the routes themselves know nothing
 * of it):
 *
 * - **Host names.** Every request, guest APIs and sockets included, must name a known host: a loopback name
 *   (`localhost`, `*.localhost`, `127.x.x.x`, `::1`), the address the emulator listens on when it is a specific one,
 *   or one of `allowedHosts`. A web page that re-points its own domain at 127.0.0.1 (DNS rebinding) sends its own
 *   domain as `Host` and is refused, so it cannot read the emulator as a same-origin page.
 * - **The emulator's own side** (`/control`, `/console`): a browser `Origin` other than the emulator's own (or one of
 *   `controlOrigins`) is refused, so a page the developer happens to open cannot drive the agent or read the
 *   `/control/events` feed (browsers send `Origin` on every WebSocket and every non-GET request). Callers that send
 *   no `Origin` (tests, curl, scripts) are not browsers and pass.
 * - **State changes with a body** on the emulator's own side must be JSON. A cross-site HTML form can only post
 *   `application/x-www-form-urlencoded`, `multipart/form-data` or `text/plain`, and older browsers send such posts
 *   without `Origin`.
 *
 * The guest APIs keep their own rule: each deployment's allowed origins, as at Genesys.
 */

export interface AccessOptions {
  /** Host names answered besides the loopback names; `true` answers any. */
  allowedHosts: readonly string[] | true;
  /** Browser origins allowed on the control API and console besides the emulator's own; `'*'` allows any. */
  controlOrigins: readonly string[];
  /** The interface the emulator listens on: a specific address is a known host name too. */
  listenHost: string;
}

const OWN_SIDE = /^\/(control|console)(\/|$)/;
const READ_ONLY = new Set(['GET', 'HEAD', 'OPTIONS']);
const HOW_TO_OPEN =
  'the allowedHosts option or EMULATOR_ALLOWED_HOSTS (packages/emulator/README.md, "Who may connect")';

/** `host[:port]` of a `Host` header, lower-case, without the port and the brackets of an IPv6 address. */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return h.slice(1, end === -1 ? undefined : end);
  }
  const colon = h.indexOf(':');
  // More than one colon: a bare IPv6 address (no port can be told apart from it).
  const name = colon !== -1 && h.indexOf(':', colon + 1) === -1 ? h.slice(0, colon) : h;
  return name.replace(/\.$/, '');
}

/** Loopback names: they cannot be made to point at another machine, nor a rebinding page's name at this one. */
export function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  return name === '::1' || name === '::ffff:127.0.0.1' || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(name);
}

const WILDCARD_LISTEN = new Set(['0.0.0.0', '::', '']);

/** Adds the access rules to the app (call before the routes are added). */
export function localAccess(app: FastifyInstance, options: AccessOptions): void {
  const known = new Set(options.allowedHosts === true ? [] : options.allowedHosts.map((h) => hostName(h)));
  const listen = hostName(options.listenHost);
  if (!WILDCARD_LISTEN.has(listen)) known.add(listen);
  const origins = new Set(options.controlOrigins.map(normalOrigin));
  const anyOrigin = origins.has('*');

  app.addHook('onRequest', async (request) => {
    const host = request.headers.host;
    // HTTP/1.0 clients may omit Host; a browser never does.
    if (host !== undefined && options.allowedHosts !== true) {
      const name = hostName(host);
      if (!isLoopbackName(name) && !known.has(name))
        throw new GenesysError(
          403,
          'host.not.allowed',
          `The emulator does not answer for the host name "${name}". Loopback names (localhost, 127.0.0.1, ::1) are answered; add others with ${HOW_TO_OPEN}.`,
        );
    }
    const path = request.url.split('?')[0] ?? '';
    if (!OWN_SIDE.test(path)) return;
    const origin = request.headers.origin;
    if (
      origin !== undefined &&
      !anyOrigin &&
      !origins.has(normalOrigin(origin)) &&
      normalOrigin(origin) !== ownOrigin(request)
    )
      throw new GenesysError(
        403,
        'origin.not.allowed',
        `The control API and the agent console refuse requests from the origin ${origin}: only pages of the emulator itself may use them. Allow others with the controlOrigins option or EMULATOR_CONTROL_ORIGINS.`,
      );
    if (READ_ONLY.has(request.method) || !hasBody(request)) return;
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json')
      throw new GenesysError(
        415,
        'unsupported.media.type',
        `The control API takes JSON: send the body as application/json (got ${type === '' ? 'no Content-Type' : type}).`,
      );
  });
}

/** The origin of a page served by the emulator under the name the caller used. */
function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${(request.headers.host ?? '').toLowerCase()}`;
}

function normalOrigin(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/+$/, '');
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['content-type'] !== undefined ||
    request.headers['transfer-encoding'] !== undefined ||
    (length !== undefined && length !== '0')
  );
}
