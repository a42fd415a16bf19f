import type { UploadPolicy } from '../chat-event';
import { ServiceDeskError } from '../errors';
import { fileSize } from '../hosts/agent-content';
import type { ServiceDeskStrings } from './strings';

/** What the customer may upload, in the hosts' `updateCapabilities` terms (the same on both hosts). */
export function uploadCapabilities(policy: UploadPolicy | undefined): object {
  if (!policy) return { allowFileUploads: false };
  const any = policy.types.some((t) => t === '*/*' || t === '*');
  return {
    allowFileUploads: true,
    allowMultipleFileUploads: true,
    // The file input's `accept`: empty offers every file.
    allowedFileUploadTypes: any ? '' : policy.types.join(','),
  };
}

function typeAllowed(types: string[], mime: string): boolean {
  const [family] = mime.split('/');
  return types.some((t) => t === '*/*' || t === '*' || t === mime || (t.endsWith('/*') && t.slice(0, -2) === family));
}

/**
 * Why the session's policy refuses a file, in the customer's words; undefined when it may be sent. Checked before any
 * byte is sent, so a refusal says why at once (Genesys checks again, `uploadFailure` words its answer).
 */
export function uploadRefusal(
  file: { name: string; type: string; size: number },
  policy: UploadPolicy | undefined,
  strings: ServiceDeskStrings,
): string | undefined {
  if (!policy) return strings.fileUploadsOff;
  const name = file.name.toLowerCase();
  if (policy.blockedExtensions.some((x) => name.endsWith(x))) return strings.fileNameRefused;
  if (!typeAllowed(policy.types, (file.type || 'application/octet-stream').toLowerCase()))
    return strings.fileTypeRefused;
  if (file.size > policy.maxBytes) return strings.fileTooLarge.replace('{max}', fileSize(policy.maxBytes));
  return undefined;
}

/** A failed upload in the customer's words: Genesys' refusal by its code, anything else as a failure to send. */
export function uploadFailure(e: unknown, policy: UploadPolicy | undefined, strings: ServiceDeskStrings): string {
  if (!(e instanceof ServiceDeskError) || e.code !== 'FILE_REFUSED') return strings.fileUploadFailed;
  switch (e.status) {
    case 4001:
      return strings.fileTypeRefused;
    case 4002:
      return policy ? strings.fileTooLarge.replace('{max}', fileSize(policy.maxBytes)) : strings.fileUploadFailed;
    case 4004:
    case 4005:
      return strings.fileNameRefused;
    case 4000:
      return strings.fileUploadsOff;
    default:
      return strings.fileUploadFailed;
  }
}
