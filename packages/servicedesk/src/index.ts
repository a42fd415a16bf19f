export { createGenesysServiceDeskFactory, type ServiceDeskFactory } from './create-factory';
export type { GenesysServiceDeskOptions } from './options';
export type {
  GenesysServiceDesk,
  UserProfile,
  ServiceDeskStrings,
  PageEvents,
} from './service-desk/genesys-service-desk';
export type { ChatEvent, AgentInfo, ChatEndReason } from './chat-event';
export { ServiceDeskError, GenesysApiError, type ServiceDeskErrorCode } from './errors';
export type { Logger } from './logger';
export type { WebSocketCtor, ChatSession } from './genesys/guest-chat-transport';
export { ErrorType, type HostCallback, type ServiceDeskFactoryParameters } from './hosts/host-types';
