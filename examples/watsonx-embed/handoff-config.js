// The service desk's settings, read once when servicedesk.bundle.js loads: change them per environment at deploy
// time, without rebuilding anything.
window.WebChatServiceDeskFactoryOptions = {
  serverBaseUrl: 'http://127.0.0.1:3000', // your genesys-handoff-server (its ALLOWED_ORIGINS must list this site)
  availability: true, // "are agents on queue?", then the place in line while the customer waits
};
