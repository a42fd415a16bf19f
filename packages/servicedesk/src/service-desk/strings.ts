/** What the customer is told, in the host's language (override through options). */
export interface ServiceDeskStrings {
  connectFailed: string;
  chatClosedBySystem: string;
  /** The customer withdrew the request while waiting for an agent. */
  requestCancelled: string;
  /** The customer signed out of the site, which ends the chat they were signed in to. */
  signedOut: string;
  sendTooLong: string;
  /** Before the place in line when the chat went back to a queue after an agent. */
  backInQueue: string;
  /** The customer's place in the queue; `{position}` is the number. */
  placeInLine: string;
  /** The expected wait when it is under a minute. */
  waitUnderAMinute: string;
  /** The expected wait of about a minute. */
  waitAboutAMinute: string;
  /** The expected wait in minutes; `{minutes}` is the number. */
  waitMinutes: string;
  /** A file the customer may not send here: its type. */
  fileTypeRefused: string;
  /** A file over the size limit; `{max}` is the limit (e.g. "10 MB"). */
  fileTooLarge: string;
  /** A file refused for its name (a blocked extension, an invalid or too long name). */
  fileNameRefused: string;
  /** The chat takes no files (guest chat, or a deployment without uploads). */
  fileUploadsOff: string;
  /** The upload failed for another reason. */
  fileUploadFailed: string;
  /** A quick-reply choice that could not be sent to the agent. */
  quickReplyFailed: string;
  /** The customer's connection to the chat dropped; it is being restored, and what they write meanwhile waits. */
  connectionLost: string;
  /** The customer's connection is back. */
  connectionBack: string;
  /**
   * A message has to wait although no drop was announced (Genesys answered 5xx, or the send went unanswered): it is
   * sent once the connection is back. While `connectionLost` is the last word, that line has said it already.
   */
  messagesHeld: string;
  /** The chat ended before messages the customer wrote could be sent (they are marked as not sent). */
  unsentChatEnded: string;
  /** The connection could not be restored, which ends the chat. */
  connectionGone: string;
}

export const DEFAULT_STRINGS: ServiceDeskStrings = {
  connectFailed: "Sorry, we couldn't connect you to an agent right now. Please try again in a moment.",
  chatClosedBySystem: 'The chat with the agent has closed.',
  requestCancelled: 'You cancelled the request for an agent.',
  signedOut: 'You signed out, so the chat with the agent has ended.',
  sendTooLong: 'The message could not be sent.',
  backInQueue: "You're waiting for the next agent.",
  placeInLine: "You're number **{position}** in line.",
  waitUnderAMinute: 'Expected wait: less than a minute.',
  waitAboutAMinute: 'Expected wait: about a minute.',
  waitMinutes: 'Expected wait: about {minutes} minutes.',
  fileTypeRefused: "This type of file can't be sent here.",
  fileTooLarge: 'This file is too large. The limit is {max}.',
  fileNameRefused: "A file with this name can't be sent.",
  fileUploadsOff: "Files can't be sent in this chat.",
  fileUploadFailed: "The file couldn't be sent. Please try again.",
  quickReplyFailed: "Your choice couldn't be sent to the agent. Please type it instead.",
  connectionLost:
    "Your connection to the chat was lost. Trying to reconnect… What you write meanwhile goes to the agent once you're connected again.",
  connectionBack: "You're connected again.",
  messagesHeld: "Not sent yet: what you write now goes to the agent once you're connected again.",
  unsentChatEnded:
    'The chat ended before your messages marked as not sent could reach the agent. To send them, ask for an agent again.',
  connectionGone: "Your connection to the chat couldn't be restored, so the chat has ended.",
};
