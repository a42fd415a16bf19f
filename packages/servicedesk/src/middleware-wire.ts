import type { Channel } from './create-factory';

/**
 * The middleware's (fastify-server's) requests and answers as they travel, declared once: the client reads them with
 * these types, and the server's TypeBox schemas are checked against them when the repository is type-checked, so
 * the two cannot drift. Types only: nothing here reaches the browser bundle.
 */

/** `GET /setup`. */
export interface SetupAnswer {
  org_id: string;
  deployment_id: string;
  queue_target: string;
  /** The channel chats use; with `web-messaging`, `deployment_id` is a Messenger deployment. */
  channel: Channel;
  /** Genesys region domain, e.g. `mypurecloud.ie`. */
  environment: string;
  /** Guest API origin for the browser; null: derive `https://api.<environment>`. */
  guest_api_base_url: string | null;
  features: { authenticated_chat: boolean; availability: boolean };
}

/** `POST /availability`. */
export interface AvailabilityRequest {
  queue_name: string;
  /** The asker's conversation, for its place in the queue (guest chat: the guest knows it). */
  conversation_id?: string;
  /** A message of the asker's conversation, when the guest does not know the conversation (Web Messaging). */
  message_id?: string;
}

/** The answer to `POST /availability`. */
export interface AvailabilityAnswer {
  /** Whole minutes, rounded up; null when Genesys gives no estimate. */
  estimatedWaitTime: number | null;
  estimatedWaitSeconds: number | null;
  /** 1-based; null when the asker's place is not known. */
  positionInQueue: number | null;
  waitingInQueue: number;
  numberOfOnQueueAgents: number;
  agentsOnline: boolean;
  /** When the middleware fetched the figures (ISO-8601). */
  updatedAt: string;
}

/** The answer to `POST /jwt`: the Genesys signed data for an authenticated guest chat. */
export interface JwtAnswer {
  jwt: string;
}

/** The body of every error answer. */
export interface ErrorAnswer {
  statusCode: number;
  /** Stable, e.g. `UPSTREAM_UNAVAILABLE` (the server README lists them). */
  code: string;
  error: string;
  message: string;
}

/** A `/setup` answer as the client accepts it: an older middleware sends only the first three fields. */
export type SetupValues = Pick<SetupAnswer, 'org_id' | 'deployment_id' | 'queue_target'> &
  Partial<Pick<SetupAnswer, 'channel' | 'environment' | 'guest_api_base_url'>> & {
    features?: Partial<SetupAnswer['features']>;
  };

/** The figures of an availability answer the client reads (`updatedAt` may be missing from an older middleware). */
export type Availability = Pick<
  AvailabilityAnswer,
  'estimatedWaitTime' | 'positionInQueue' | 'numberOfOnQueueAgents' | 'agentsOnline'
> &
  Partial<Pick<AvailabilityAnswer, 'updatedAt'>>;
