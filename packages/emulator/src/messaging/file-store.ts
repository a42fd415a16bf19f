import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A stored file: a guest's upload or a file an agent sent. */
export interface StoredFile {
  id: string;
  filename: string;
  mime: string;
  bytes: Buffer;
}

/** Lifetime of a presigned upload URL (ms). */
export const UPLOAD_URL_LIFETIME_MS = 15 * 60_000;
/** Lifetime of a download URL: "typically expires after 10 minutes"; `getAttachment` hands out a fresh one (ms). */
export const DOWNLOAD_URL_LIFETIME_MS = 10 * 60_000;

/**
 * The files of Web Messaging and their signed URLs. Upload URLs stand for S3 presigned URLs; download URLs for the
 * signed `/api/v2/downloads/…` links. Both carry an expiry and an HMAC of the emulator's own key.
 */
export class FileStore {
  private readonly files = new Map<string, StoredFile>();
  private readonly key = randomBytes(32);

  put(file: StoredFile): void {
    this.files.set(file.id, file);
  }

  get(id: string): StoredFile | undefined {
    return this.files.get(id);
  }

  delete(id: string): void {
    this.files.delete(id);
  }

  /**
   * An S3-style presigned PUT URL: `X-Amz-Date` (when it was signed, `YYYYMMDDTHHMMSSZ`) and `X-Amz-Expires` (its
   * lifetime in seconds), as S3's query-string authentication carries them.
   */
  uploadUrl(httpOrigin: string, attachmentId: string, fileName: string, now: number): string {
    const date = amzDate(now);
    const expires = String(UPLOAD_URL_LIFETIME_MS / 1000);
    const signature = this.sign(`upload ${attachmentId} ${date} ${expires}`);
    return `${httpOrigin}/uploads/v2/${encodeURIComponent(attachmentId)}/${encodeURIComponent(fileName)}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=${date}&X-Amz-Expires=${expires}&X-Amz-SignedHeaders=content-type%3Bhost%3Bx-amz-tagging&X-Amz-Signature=${signature}`;
  }

  /** Checks a presigned upload URL: its signature, then whether `X-Amz-Date` + `X-Amz-Expires` seconds has passed. */
  checkUpload(
    attachmentId: string,
    q: { date: string | undefined; expires: string | undefined; signature: string | undefined },
    now: number,
  ): 'ok' | 'bad-signature' | 'expired' {
    if (!q.date || !q.expires || !q.signature) return 'bad-signature';
    if (!this.signatureMatches(`upload ${attachmentId} ${q.date} ${q.expires}`, q.signature)) return 'bad-signature';
    const signedAt = parseAmzDate(q.date);
    if (signedAt === undefined) return 'bad-signature';
    return now < signedAt + Number(q.expires) * 1000 ? 'ok' : 'expired';
  }

  downloadUrl(httpOrigin: string, fileId: string, expiresAt: number): string {
    const exp = String(expiresAt);
    return `${httpOrigin}/api/v2/downloads/${encodeURIComponent(fileId)}?expires=${exp}&signature=${this.sign(`download ${fileId} ${exp}`)}`;
  }

  /** Checks a download URL's signature and expiry: 'ok', 'bad-signature' or 'expired'. */
  checkDownload(
    fileId: string,
    expires: string | undefined,
    signature: string | undefined,
    now: number,
  ): 'ok' | 'bad-signature' | 'expired' {
    if (!expires || !signature) return 'bad-signature';
    if (!this.signatureMatches(`download ${fileId} ${expires}`, signature)) return 'bad-signature';
    return Number(expires) > now ? 'ok' : 'expired';
  }

  private signatureMatches(text: string, signature: string): boolean {
    const want = Buffer.from(this.sign(text));
    const got = Buffer.from(signature);
    return want.length === got.length && timingSafeEqual(want, got);
  }

  private sign(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('hex');
  }
}

/** `YYYYMMDDTHHMMSSZ`, the form of `X-Amz-Date`. */
export function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function parseAmzDate(date: string): number | undefined {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(date);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, se] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, se);
}

/** Whether the bytes look like the declared type, for the types whose files start with a known signature. */
export function contentMatches(mime: string, bytes: Buffer): boolean {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  switch (mime.toLowerCase()) {
    case 'image/png':
      return starts(0x89, 0x50, 0x4e, 0x47);
    case 'image/jpeg':
      return starts(0xff, 0xd8, 0xff);
    case 'image/gif':
      return starts(0x47, 0x49, 0x46, 0x38);
    case 'application/pdf':
      return starts(0x25, 0x50, 0x44, 0x46);
    default:
      return true;
  }
}

export function mediaTypeOf(mime: string): 'Image' | 'Video' | 'Audio' | 'File' {
  const family = mime.split('/')[0]?.toLowerCase();
  return family === 'image' ? 'Image' : family === 'video' ? 'Video' : family === 'audio' ? 'Audio' : 'File';
}
