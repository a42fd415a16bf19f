/**
 * The parts of the two hosts' service-desk contracts we use (docs/webchat-hosts.md), declared
 * here so the bundle never pulls in a host library at run time.
 */

/** `ErrorType` of both hosts. */
export const ErrorType = { CONNECTING: 1, DISCONNECTED: 2, USER_MESSAGE: 3 } as const;

export type ErrorStatus =
  | { type: typeof ErrorType.CONNECTING; logInfo?: unknown; messageToUser?: string }
  | { type: typeof ErrorType.DISCONNECTED; isDisconnected: boolean; logInfo?: unknown };

/** `ServiceDeskCallback` (hosted watsonx) / `ServiceDeskCallback` (Carbon AI Chat). */
export interface HostCallback {
  agentJoined(profile: object): unknown;
  agentLeftChat(): unknown;
  agentEndedChat(): unknown;
  beginTransferToAnotherAgent(profile?: object): unknown;
  agentTyping(isTyping: boolean): unknown;
  sendMessageToUser(message: string | object, agentID?: string): unknown;
  updateAgentAvailability(availability: object): unknown;
  setErrorStatus(info: ErrorStatus): unknown;
  /** File uploads on or off, and which types the file picker offers (both hosts; absent on old hosts). */
  updateCapabilities?(capabilities: object): unknown;
  /** A file the customer chose is refused (`isError`, with why) or, after sending, uploaded or failed. */
  setFileUploadStatus?(fileID: string, isError?: boolean, errorMessage?: string): unknown;
  persistedState?(): unknown;
  updatePersistedState?(state: unknown, mergeWithCurrent?: boolean): unknown;
}

export interface ServiceDeskFactoryParameters {
  callback: HostCallback;
  instance?: unknown;
  persistedState?: unknown;
}

/** The `connect_to_agent` item (both hosts' spellings; extra keys pass through at run time). */
export interface ConnectToAgentItem {
  response_type?: string;
  message_to_human_agent?: string;
  topic?: string;
  transfer_info?: {
    session_history_key?: string;
    summary_message_to_agent?: Array<{ text?: string } | string>;
    additional_data?: Record<string, unknown>;
  };
}

/** What the desk reads of a message the host passes in (`startChat`'s connect message). */
export interface MessageResponseLike {
  output?: { generic?: ConnectToAgentItem[] };
}

export interface StartChatOptionsLike {
  agentAppInfo?: { sessionHistoryKey?: string };
  preStartChatPayload?: unknown;
}

export interface MessageRequestLike {
  input?: { text?: string };
}

/** A file the customer chose in the host (`FileUpload` of both hosts). */
export interface FileUploadLike {
  id: string;
  file: File;
}

/** `sendMessageToAgent`'s third argument: the files sent with the message. */
export interface AdditionalDataLike {
  filesToUpload?: FileUploadLike[];
}
