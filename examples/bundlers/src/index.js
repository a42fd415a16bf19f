import { createGenesysServiceDeskFactory } from 'genesys-handoff-servicedesk';

// What a page on Web Messaging needs without a middleware: its Messenger deployment and its region.
window.serviceDeskFactory = createGenesysServiceDeskFactory({
  host: 'carbon',
  deploymentId: 'your-messenger-deployment-id',
  genesysEnvironment: 'mypurecloud.com',
});
