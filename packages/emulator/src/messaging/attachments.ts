import { randomUUID } from 'node:crypto';
import type { ChatEngine } from '../chat-engine';
import type { Clock } from '../clock';
import type { AttachmentRecord, Conversation, MessageRecord } from '../conversation';
import type { ResolvedOptions } from '../options';
import { mimeAllowed } from './deployment';
import { DOWNLOAD_URL_LIFETIME_MS, FileStore, contentMatches, mediaTypeOf } from './file-store';
import { WM_ERRORS, fileSizeError, frame, type WmContent } from './frames';
import type { Pushes } from './pushes';
import { fail, optionalBoolean, optionalString, requireByteCount, requireString } from './request-fields';
import type { GuestAttachment, MessagingSession } from './session';
import type { Sessions } from './sessions';
import { Answered, type SocketRequest } from './socket-request';

/** Unsent uploads are deleted after 15 days. */
const ATTACHMENT_LIFETIME_MS = 15 * 24 * 3600_000;
const MAX_FILE_NAME = 255;

/**
 * Files: the guest's `onAttachment` (a presigned upload URL), the PUT to it, `getAttachment` and
 * `deleteAttachment`, the attachments an `onMessage` references, and the agent's files.
 */
export class Attachments {
  readonly files = new FileStore();

  constructor(
    private readonly options: ResolvedOptions,
    private readonly engine: ChatEngine,
    private readonly clock: Clock,
    private readonly sessions: Sessions,
    private readonly push: Pushes,
  ) {}

  onAttachment(q: SocketRequest): void {
    const { ws, state, r, tracingId } = q;
    const s = this.sessions.sessionOrExpired(q);
    if (!s) return;
    const a = s.deployment.attachments;
    const attachmentId = optionalString(r, 'attachmentId') ?? randomUUID();
    const errorsAsJson = optionalBoolean(r, 'errorsAsJson') === true;
    const refuse = (spec: readonly [number, string]): never => {
      // With errorsAsJson the refusal is a GenerateUrlError naming the attachment.
      if (errorsAsJson) {
        this.push.send(
          ws,
          frame(
            'message',
            'GenerateUrlError',
            { attachmentId, errorCode: spec[0], errorMessage: spec[1], timestamp: this.clock.iso() },
            tracingId,
          ),
        );
        throw new Answered();
      }
      return fail(spec);
    };
    if (!a.enabled) refuse(WM_ERRORS.featureUnavailable);
    const fileName = requireString(r, 'fileName');
    const fileType = requireString(r, 'fileType');
    const fileSize = requireByteCount(r, 'fileSize');
    if (fileName.length > MAX_FILE_NAME) refuse(WM_ERRORS.fileNameLength);
    const lower = fileName.toLowerCase();
    if (hasPathOrControl(fileName)) refuse(WM_ERRORS.fileName);
    // A blocked extension is a file type the deployment refuses (the transport SDK calls it "file type is
    // prohibited"), as is a MIME type outside allowedMedia.
    if (a.blockedExtensions.some((x) => lower.endsWith(x.toLowerCase())) || !mimeAllowed(a.allowedTypes, fileType))
      refuse(WM_ERRORS.fileType);
    if (fileSize > a.maxFileSizeKB * 1024) refuse(fileSizeError(a.maxFileSizeKB));
    const now = this.clock.now();
    const headers = {
      'x-amz-tagging': `organizationId=${this.options.organizationId}&originPlatform=PureCloud&role=webmessaging-guest&owner=${s.id}`,
    };
    s.attachments.set(attachmentId, {
      id: attachmentId,
      fileName,
      fileType,
      fileSize: fileSize,
      headers,
      status: 'pending',
      createdAt: now,
      sent: false,
    });
    this.push.send(
      ws,
      frame(
        'response',
        'PresignedUrlResponse',
        {
          attachmentId,
          headers,
          url: this.files.uploadUrl(state.origin.http, attachmentId, fileName, now),
        },
        tracingId,
      ),
    );
  }

  getAttachment(q: SocketRequest): void {
    const { ws, state, r, tracingId } = q;
    const s = this.sessions.sessionOrExpired(q);
    if (!s) return;
    const a = this.uploaded(s, requireString(r, 'attachmentId'), this.clock.now());
    this.push.send(
      ws,
      frame(
        'response',
        'PresignedUrlResponse',
        {
          attachmentId: a.id,
          headers: {},
          url: this.files.downloadUrl(state.origin.http, a.id, this.clock.now() + DOWNLOAD_URL_LIFETIME_MS),
          fileName: a.fileName,
          fileSize: a.fileSize,
          fileType: a.fileType,
        },
        tracingId,
      ),
    );
  }

  deleteAttachment(q: SocketRequest): void {
    const { ws, r, tracingId } = q;
    const s = this.sessions.sessionOrExpired(q);
    if (!s) return;
    const id = requireString(r, 'attachmentId');
    const a = s.attachments.get(id);
    // A sent file belongs to the conversation now; only unsent uploads can be deleted.
    if (!a || a.sent) return fail(WM_ERRORS.attachmentNotFound);
    s.attachments.delete(id);
    this.files.delete(id);
    this.push.send(ws, frame('message', 'AttachmentDeletedResponse', { attachmentId: id }, tracingId));
  }

  /** An attachment an `onMessage` may reference: known (4009), not expired (4008), uploaded (4010). */
  sendableAttachment(s: MessagingSession, id: string, now: number): GuestAttachment {
    const a = this.uploaded(s, id, now);
    return a;
  }

  private uploaded(s: MessagingSession, id: string, now: number): GuestAttachment {
    const a = s.attachments.get(id);
    if (!a) return fail(WM_ERRORS.attachmentNotFound);
    if (!a.sent && now - a.createdAt > ATTACHMENT_LIFETIME_MS) return fail(WM_ERRORS.attachmentExpired);
    if (a.status !== 'uploaded') return fail(WM_ERRORS.attachmentNotUploaded);
    return a;
  }

  attachmentRecord(a: GuestAttachment): AttachmentRecord {
    return {
      id: a.id,
      filename: a.fileName,
      mime: a.fileType,
      fileSize: a.fileSize,
      mediaType: mediaTypeOf(a.fileType),
      url: `/control/messaging/files/${encodeURIComponent(a.id)}`,
    };
  }

  attachmentContent(a: AttachmentRecord, httpOrigin: string): WmContent {
    return {
      contentType: 'Attachment',
      attachment: {
        id: a.id,
        filename: a.filename,
        mediaType: a.mediaType,
        fileSize: a.fileSize,
        mime: a.mime,
        url: this.files.downloadUrl(httpOrigin, a.id, this.clock.now() + DOWNLOAD_URL_LIFETIME_MS),
      },
    };
  }

  /**
   * The PUT to a presigned URL, after its signature and expiry were checked: the headers handed out and the
   * Content-Type must be sent as given. Then the file is checked and the session hears of it.
   */
  upload(
    attachmentId: string,
    headers: Record<string, string | string[] | undefined>,
    bytes: Buffer,
  ): { status: number; error?: { code: string; message: string } } {
    const s = [...this.sessions.byToken.values()].find((x) => x.attachments.has(attachmentId));
    const a = s?.attachments.get(attachmentId);
    if (!s || !a) return { status: 404, error: { code: 'NoSuchUpload', message: 'The upload does not exist.' } };
    for (const [name, value] of Object.entries(a.headers)) {
      if (headers[name.toLowerCase()] !== value)
        return {
          status: 403,
          error: {
            code: 'SignatureDoesNotMatch',
            message: `The request signature we calculated does not match the signature you provided: header ${name} must be sent as handed out.`,
          },
        };
    }
    const contentType = String(headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    if (contentType.toLowerCase() !== a.fileType.toLowerCase())
      return {
        status: 403,
        error: {
          code: 'SignatureDoesNotMatch',
          message: `The request signature we calculated does not match the signature you provided: Content-Type must be ${a.fileType}.`,
        },
      };
    const timestamp = this.clock.iso();
    const failure = s.failNextUpload;
    const maxBytes = s.deployment.attachments.maxFileSizeKB * 1024;
    const problem: readonly [number, string] | null = failure
      ? [failure.errorCode, failure.errorMessage]
      : bytes.length > maxBytes
        ? fileSizeError(s.deployment.attachments.maxFileSizeKB)
        : !contentMatches(a.fileType, bytes)
          ? WM_ERRORS.fileContent
          : null;
    s.failNextUpload = null;
    if (problem) {
      a.status = 'failed';
      this.push.pushAll(
        s,
        frame('message', 'UploadFailureEvent', {
          attachmentId,
          errorCode: problem[0],
          errorMessage: problem[1],
          timestamp,
        }),
      );
      return { status: 200 };
    }
    a.status = 'uploaded';
    a.fileSize = bytes.length;
    this.files.put({ id: a.id, filename: a.fileName, mime: a.fileType, bytes });
    this.push.pushAll(
      s,
      frame('message', 'UploadSuccessEvent', {
        attachmentId,
        downloadUrl: this.files.downloadUrl(
          this.push.lastOrigin.http,
          a.id,
          this.clock.now() + DOWNLOAD_URL_LIFETIME_MS,
        ),
        timestamp,
      }),
    );
    return { status: 200 };
  }

  /** An agent sends a file (control API): stored, then sent as an Outbound message with an Attachment. */
  agentFile(c: Conversation, file: { filename: string; mime: string; bytes: Buffer }, text: string): MessageRecord {
    if (c.media !== 'message') throw new TypeError('files are a Web Messaging feature');
    const id = randomUUID();
    this.files.put({ id, ...file });
    const record: AttachmentRecord = {
      id,
      filename: file.filename,
      mime: file.mime,
      fileSize: file.bytes.length,
      mediaType: mediaTypeOf(file.mime),
      url: `/control/messaging/files/${encodeURIComponent(id)}`,
    };
    return this.engine.agentMessage(c, text, 'standard', 'agent', { attachments: [record] });
  }
}

/** A file name with a path separator or a control character is not a file name. */
function hasPathOrControl(name: string): boolean {
  return [...name].some((ch) => ch === '/' || ch === '\\' || ch.charCodeAt(0) < 0x20);
}
