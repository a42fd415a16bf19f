/** What the customer is told, in the host's language (override through options). */
export interface ServiceDeskStrings {
  connectFailed: string;
  chatClosedBySystem: string;
  sendTooLong: string;
}

export const DEFAULT_STRINGS: ServiceDeskStrings = {
  connectFailed: "Sorry, we couldn't connect you to an agent right now. Please try again in a moment.",
  chatClosedBySystem: 'The chat with the agent has closed.',
  sendTooLong: 'The message could not be sent.',
};
