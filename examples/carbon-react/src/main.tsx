import { ChatContainer, type ChatInstance, type MessageRequest } from '@carbon/ai-chat';
import { HANDOFF_LANGUAGE_PACK, createGenesysServiceDeskFactory } from 'genesys-handoff-servicedesk';
import { createRoot } from 'react-dom/client';
import { assistantReply } from './assistant';

// Made once, outside React: Carbon AI Chat ends a running agent chat when the factory changes.
const serviceDeskFactory = createGenesysServiceDeskFactory({
  // Your genesys-handoff-server (its ALLOWED_ORIGINS must list this page's origin).
  serverBaseUrl: import.meta.env.VITE_HANDOFF_SERVER_URL ?? 'http://127.0.0.1:3000',
  host: 'carbon',
  availability: true, // "are agents on queue?", then the place in line while the customer waits
});

async function customSendMessage(request: MessageRequest, _options: unknown, instance: ChatInstance) {
  // While an agent has the chat, the service desk sends what the customer writes; Carbon still tells the assistant.
  if (request.input.agent_message_type) return;
  await instance.messaging.addMessage(assistantReply(request.input.text ?? ''));
}

createRoot(document.getElementById('root')!).render(
  <ChatContainer
    messaging={{ customSendMessage }}
    serviceDeskFactory={serviceDeskFactory}
    serviceDesk={{ allowReconnect: true }}
    strings={HANDOFF_LANGUAGE_PACK}
  />,
);
