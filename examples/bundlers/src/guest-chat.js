import { createGenesysServiceDeskFactory } from 'genesys-handoff-servicedesk/guest-chat';

// The legacy channel's entry: the middleware's /setup says which channel each chat takes.
window.serviceDeskFactory = createGenesysServiceDeskFactory({
  host: 'carbon',
  serverBaseUrl: 'https://chat-middleware.example.com',
});
