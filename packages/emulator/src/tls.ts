import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/**
 * TLS for clients that only speak `https://` and `wss://`, as Genesys serves nothing else: a certificate and key
 * given by the user, or a self-signed certificate for the names the emulator answers (which a client has to be told
 * to trust; the README says how).
 */

export interface TlsFiles {
  /** PEM certificate (chain). */
  cert: string;
  /** PEM private key. */
  key: string;
}

/** A given certificate and key, or `'self-signed'` for one made at start. */
export type TlsOption = 'self-signed' | { cert: string | Buffer; key: string | Buffer };

/** How long a generated certificate is valid. */
const SELF_SIGNED_DAYS = 90;

/**
 * A self-signed certificate (ECDSA P-256) for these host names and IP addresses, usable as its own trust anchor:
 * `subjectAltName` names them all, and it is marked as a CA so that clients may trust it as one.
 */
export async function selfSignedCertificate(names: readonly string[]): Promise<TlsFiles> {
  const unique = [...new Set(names.map((n) => n.toLowerCase()))];
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: unique[0] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + SELF_SIGNED_DAYS * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: unique.map((n) => (isIP(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n })),
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** Whether a certificate is valid for a day more and names every one of these hosts. */
export function certificateCovers(certPem: string, names: readonly string[], now = Date.now()): boolean {
  const cert = new X509Certificate(certPem);
  if (Date.parse(cert.validTo) < now + 24 * 3600_000) return false;
  return names.every((n) => (isIP(n) ? cert.checkIP(n) !== undefined : cert.checkHost(n) !== undefined));
}

/**
 * The self-signed certificate kept in `dir` (`cert.pem`, `key.pem`), made anew when there is none or it no longer
 * covers the names: a certificate the developer trusted once stays trusted across restarts.
 */
export async function storedSelfSignedCertificate(
  dir: string,
  names: readonly string[],
): Promise<TlsFiles & { certPath: string; created: boolean }> {
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  try {
    const [cert, key] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
    if (certificateCovers(cert, names)) return { cert, key, certPath, created: false };
  } catch {
    // None yet, or unreadable: make one.
  }
  const made = await selfSignedCertificate(names);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(keyPath, made.key, { mode: 0o600 });
  await writeFile(certPath, made.cert, { mode: 0o644 });
  return { ...made, certPath, created: true };
}

/** The names a generated certificate covers: loopback, the listening address if specific, the allowed hosts. */
export function certificateNames(listenHost: string, allowedHosts: readonly string[] | true): string[] {
  const names = ['localhost', '127.0.0.1', '::1'];
  if (!['0.0.0.0', '::', ''].includes(listenHost)) names.push(listenHost);
  if (allowedHosts !== true) names.push(...allowedHosts);
  return [...new Set(names.map((n) => n.toLowerCase()))];
}

/** The PEM texts of a TLS option (a self-signed certificate is made for `names`). */
export async function tlsFiles(option: TlsOption, names: readonly string[]): Promise<TlsFiles> {
  if (option === 'self-signed') return selfSignedCertificate(names);
  return { cert: option.cert.toString(), key: option.key.toString() };
}
