import type { FastifyBaseLogger } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorBody } from './plugins/error-handler';
import { SECURITY_HEADERS } from './plugins/security-headers';

/**
 * Answers requests that Node's HTTP parser refuses before Fastify sees them (malformed syntax, a NUL byte in a
 * header, headers over 16 KB, a request that did not arrive in time) in the documented error shape, with the
 * security headers of every other answer. Fastify's default handler logs the whole error at trace level, and
 * `err.rawPacket` holds the bytes read so far, Authorization header included: here only the parser's code is
 * logged.
 */
export function clientErrorHandler(log: () => FastifyBaseLogger, requestTimeoutMs: number) {
  return (err: Error & { code?: string }, socket: Socket): void => {
    // A reset connection has nobody to answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const answer = answerFor(err.code, requestTimeoutMs);
    log().debug(
      { clientError: { code: err.code ?? 'unknown', status: answer.statusCode } },
      'refused a malformed request',
    );
    if (socket.writable) {
      const body = JSON.stringify(answer);
      const headers: Record<string, string | number> = {
        ...SECURITY_HEADERS,
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
        connection: 'close',
      };
      const head = Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}`)
        .join('\r\n');
      socket.write(`HTTP/1.1 ${answer.statusCode} ${STATUS_CODES[answer.statusCode] ?? ''}\r\n${head}\r\n\r\n${body}`);
    }
    socket.destroy();
  };
}

function answerFor(code: string | undefined, requestTimeoutMs: number): ErrorBody {
  const body = (statusCode: number, errorCode: string, message: string): ErrorBody => ({
    statusCode,
    code: errorCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message,
  });
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT': {
      const seconds = Math.max(1, Math.round(requestTimeoutMs / 1000));
      return body(
        408,
        'REQUEST_TIMEOUT',
        `The request did not arrive within ${seconds} second${seconds === 1 ? '' : 's'}`,
      );
    }
    case 'HPE_HEADER_OVERFLOW':
      return body(431, 'HEADERS_TOO_LARGE', 'The request headers are larger than 16 KB');
    default:
      return body(400, 'BAD_REQUEST', 'The request could not be read: it is not valid HTTP/1.1');
  }
}
