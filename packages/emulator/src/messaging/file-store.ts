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

  uploadUrl(httpOrigin: string, attachmentId: string, fileName: string, expiresAt: number): string {
    const exp = String(expiresAt);
    return `${httpOrigin}/uploads/v2/${encodeURIComponent(attachmentId)}/${encodeURIComponent(fileName)}?X-Amz-Expires=${exp}&X-Amz-Signature=${this.sign(`upload ${attachmentId} ${exp}`)}`;
  }

  downloadUrl(httpOrigin: string, fileId: string, expiresAt: number): string {
    const exp = String(expiresAt);
    return `${httpOrigin}/api/v2/downloads/${encodeURIComponent(fileId)}?expires=${exp}&signature=${this.sign(`download ${fileId} ${exp}`)}`;
  }

  /** Checks a URL's signature and expiry: 'ok', 'bad-signature' or 'expired'. */
  check(
    kind: 'upload' | 'download',
    id: string,
    expires: string | undefined,
    signature: string | undefined,
    now: number,
  ): 'ok' | 'bad-signature' | 'expired' {
    if (!expires || !signature) return 'bad-signature';
    const want = Buffer.from(this.sign(`${kind} ${id} ${expires}`));
    const got = Buffer.from(signature);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return 'bad-signature';
    return Number(expires) > now ? 'ok' : 'expired';
  }

  private sign(text: string): string {
    return createHmac('sha256', this.key).update(text).digest('hex');
  }
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
