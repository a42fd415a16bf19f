/** What the customer is told, in the host's language (override through options). */
export interface ServiceDeskStrings {
  connectFailed: string;
  chatClosedBySystem: string;
  sendTooLong: string;
  /** The customer's place in the queue; `{position}` is the number. */
  placeInLine: string;
  /** The expected wait when it is under a minute. */
  waitUnderAMinute: string;
  /** The expected wait of about a minute. */
  waitAboutAMinute: string;
  /** The expected wait in minutes; `{minutes}` is the number. */
  waitMinutes: string;
}

export const DEFAULT_STRINGS: ServiceDeskStrings = {
  connectFailed: "Sorry, we couldn't connect you to an agent right now. Please try again in a moment.",
  chatClosedBySystem: 'The chat with the agent has closed.',
  sendTooLong: 'The message could not be sent.',
  placeInLine: "You're number **{position}** in line.",
  waitUnderAMinute: 'Expected wait: less than a minute.',
  waitAboutAMinute: 'Expected wait: about a minute.',
  waitMinutes: 'Expected wait: about {minutes} minutes.',
};
