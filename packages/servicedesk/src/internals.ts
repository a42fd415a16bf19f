/**
 * The package's inner parts that this repository's benchmarks drive directly (subpath `genesys-handoff-servicedesk/internals`),
 * so that they measure the product rather than copies of it. Not a public API: anything here may change.
 */
export * from './guest-chat';
export { GenesysServiceDesk, type ServiceDeskConfig } from './service-desk/genesys-service-desk';
export { deliverToHost, type HostSide } from './service-desk/host-calls';
export { afterHostDraws } from './service-desk/message-bursts';
export { DEFAULT_STRINGS } from './service-desk/strings';
export { carbonAdapter, watsonxAdapter, type HostAdapter } from './hosts/host-adapter';
export type { ErrorStatus } from './hosts/host-types';
export { MiddlewareClient } from './middleware-client';
export { dedupeById } from './streams/dedupe-by-id';
export { chatEventPipeline } from './transports/guest-chat/chat-event-pipeline';
export { eventOf, parseFrame } from './transports/guest-chat/parse-frame';
export type { EventFrame } from './transports/guest-chat/frames';
export type { GuestApi } from './transports/guest-chat/guest-api';
export { GuestChatConnection } from './transports/guest-chat/guest-chat-connection';
export type { GuestChatTransportConfig } from './transports/guest-chat/guest-chat-transport';
export { agentMessages } from './transports/guest-chat/detectors/agent-messages';
export { lookupMembers } from './transports/guest-chat/detectors/lookup-members';
export { typing } from './transports/guest-chat/detectors/typing';
export type { EnrichedFrame, MemberInfo } from './transports/guest-chat/detectors/types';
export { wmEventPipeline } from './transports/web-messaging/wm-event-pipeline';
export { HEARTBEAT_TRACING_ID, parseFrame as parseWmFrame } from './transports/web-messaging/parse-frame';
export { WebMessagingConnection } from './transports/web-messaging/wm-connection';
export type { Incoming as WmIncoming } from './transports/web-messaging/detectors/types';
