export { createGenesysServiceDeskFactory } from './genesys-factory';
export type { ServiceDeskFactory } from './create-factory';
export type { GenesysServiceDeskOptions } from './options';
export type { GenesysServiceDesk } from './service-desk/genesys-service-desk';
export type { UserProfile } from './service-desk/user-profile';
export { DEFAULT_STRINGS, type ServiceDeskStrings } from './service-desk/strings';
export type { PageEvents } from './service-desk/resume-point';
export type { ChatEvent, AgentInfo, ChatEndReason, EarlierMessage } from './chat-event';
export type {
  ChatTransport,
  ChatConnection,
  ChatStartRequest,
  ChatProfile,
  IdentityCredential,
  WebSocketCtor,
} from './transports/chat-transport';
export type { ChatSession } from './transports/guest-chat/chat-session';
export { ServiceDeskError, GenesysApiError, type ServiceDeskErrorCode } from './errors';
export type { Logger } from './logger';
export { ErrorType, type HostCallback, type ServiceDeskFactoryParameters } from './hosts/host-types';
export { HANDOFF_LANGUAGE_PACK, type HandoffLanguagePack } from './hosts/language-pack';
