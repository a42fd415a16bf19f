import { factoryCreatorFor } from './host-factories';
import { WEB_MESSAGING } from './transports/web-messaging/wm-setup';

/**
 * The service desk factory for Genesys Cloud Web Messaging (the `genesys-handoff-servicedesk` entry). Guest chat, the
 * legacy channel, comes from `genesys-handoff-servicedesk/guest-chat`, which alone pulls in its SDK.
 */
export const createGenesysServiceDeskFactory = factoryCreatorFor(WEB_MESSAGING);
export type { Channel, FactoryControls } from './create-factory';
export type {
  CarbonServiceDeskFactory,
  WatsonxServiceDeskFactory,
  CreateGenesysServiceDeskFactory,
} from './host-factories';
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
export { ServiceDeskError, GenesysApiError, type ServiceDeskErrorCode } from './errors';
export type { SetupAnswer, AvailabilityRequest, AvailabilityAnswer, JwtAnswer, ErrorAnswer } from './middleware-wire';
export type { Logger } from './logger';
export { ErrorType, type HostCallback, type ServiceDeskFactoryParameters } from './hosts/host-types';
export { HANDOFF_LANGUAGE_PACK, type HandoffLanguagePack } from './hosts/language-pack';
