import { ServiceDeskError } from '../../errors';
import { newId } from '../new-id';
import type { UploadResultFrame, WmFrame } from './frames';
import { fileRefusal } from './wm-errors';

export interface UploadsConfig {
  /** Sends a request on the chat's socket and resolves with its answer. */
  request: (request: Record<string, unknown>, what: string) => Promise<WmFrame>;
  fetch: typeof fetch;
}

interface Waiting {
  resolve: (f: UploadResultFrame) => void;
  reject: (e: Error) => void;
}

/**
 * The customer's files on Web Messaging: `onAttachment` for an upload target, the bytes PUT there, then Genesys' word
 * that the file is stored or refused (an `UploadSuccessEvent` or `UploadFailureEvent` naming the attachment, not the
 * request). The message that carries the file is the connection's to send.
 */
export class Uploads {
  private readonly waiting = new Map<string, Waiting>();

  constructor(private readonly c: UploadsConfig) {}

  /**
   * Uploads the file; resolves with its attachment id once Genesys has stored it. Rejects with `FILE_REFUSED`
   * (Genesys' code as `status`) when Genesys refuses the file, `UPLOAD_FAILED` when the upload itself fails.
   */
  async upload(file: Blob, name: string): Promise<string> {
    const attachmentId = newId();
    const type = file.type || 'application/octet-stream';
    const stored = new Promise<UploadResultFrame>((resolve, reject) =>
      this.waiting.set(attachmentId, { resolve, reject }),
    );
    stored.catch(() => undefined);
    try {
      // A refusal may come as a GenerateUrlError that names the attachment rather than the request.
      const target = await Promise.race([
        this.c.request(
          {
            action: 'onAttachment',
            attachmentId,
            fileName: name,
            fileType: type,
            fileSize: file.size,
            errorsAsJson: true,
          },
          'onAttachment',
        ),
        stored,
      ]);
      if (target.kind === 'error') throw fileRefusal(target.code, target.text);
      if (target.kind === 'upload-result' && !target.ok) throw fileRefusal(target.code, target.text);
      if (target.kind !== 'upload-url')
        throw new ServiceDeskError('UPLOAD_FAILED', `onAttachment answered ${target.kind}`);
      let put: Response;
      try {
        put = await this.c.fetch(target.url, {
          method: 'PUT',
          headers: { ...target.headers, 'Content-Type': type },
          body: file,
        });
      } catch (e) {
        throw new ServiceDeskError('UPLOAD_FAILED', 'the file could not be uploaded (network)', { cause: e });
      }
      if (!put.ok) {
        throw new ServiceDeskError('UPLOAD_FAILED', `the file could not be uploaded (${put.status})`, {
          status: put.status,
        });
      }
      const result = await stored;
      if (!result.ok) throw fileRefusal(result.code, result.text);
      return attachmentId;
    } finally {
      this.waiting.delete(attachmentId);
    }
  }

  /** Genesys' word on an attachment. */
  settle(f: UploadResultFrame): void {
    this.waiting.get(f.attachmentId)?.resolve(f);
  }

  /** The socket went: every upload still waiting for Genesys' word fails with `e`. */
  failAll(e: Error): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of waiting) w.reject(e);
  }
}
