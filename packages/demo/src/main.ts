import '@carbon/ai-chat/dist/es/web-components/cds-aichat-container/index.js';
import type { CdsAiChatContainerAttributes, ChatInstance, MessageRequest, MessageResponse } from '@carbon/ai-chat';
import {
  DEFAULT_STRINGS,
  HANDOFF_LANGUAGE_PACK,
  createGenesysServiceDeskFactory,
  type CarbonServiceDeskFactory,
  type GenesysServiceDeskOptions,
} from 'genesys-handoff-servicedesk/guest-chat';
import { assistantReply } from './assistant';
import { loadDemoConfig, type DemoConfig } from './demo-config';
import { DemoLogin, type DemoUser } from './login';
import './styles.css';

/**
 * The demo page: Carbon AI Chat as a web component (no framework code here), the local assistant as its
 * `customSendMessage`, and our Genesys service desk as its `serviceDeskFactory`.
 */

type ChatElement = HTMLElement & CdsAiChatContainerAttributes;

declare global {
  interface Window {
    /** For people poking around in devtools, and for the E2E tests: the Carbon instance and the page's settings. */
    __demo?: { instance?: ChatInstance; config: DemoConfig; authenticated: boolean };
  }
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** A stable name for an anonymous visitor, so the agent can tell two tabs apart and a reload keeps the name. */
function guestName(): string {
  const key = 'genesys-handoff-demo.guest';
  let name = sessionStorage.getItem(key);
  if (!name) {
    name = `Guest ${Math.floor(1000 + Math.random() * 9000)}`;
    sessionStorage.setItem(key, name);
  }
  return name;
}

/**
 * One factory for the page's lifetime: Carbon calls it once, and a new factory would end a running agent chat
 * (docs/webchat-hosts.md, "The service desk factory"). Logging in or out therefore reloads the page; a running agent chat is picked
 * up again through the service desk's `reconnect`.
 */
function serviceDeskFactory(config: DemoConfig, login: DemoLogin, user: DemoUser | null): CarbonServiceDeskFactory {
  const common = { host: 'carbon', availability: true } as const;
  const options: GenesysServiceDeskOptions & { host: 'carbon' } =
    user && config.authServerBaseUrl
      ? {
          ...common,
          serverBaseUrl: config.authServerBaseUrl,
          authenticatedChat: true,
          getIdentityToken: () => login.identityToken(),
          userProfile: { displayName: user.name, email: user.email },
        }
      : { ...common, serverBaseUrl: config.serverBaseUrl, userProfile: { displayName: guestName() } };
  return createGenesysServiceDeskFactory(options);
}

/**
 * Carbon's floating panel is 380 px wide, 2rem from the right edge, except when Carbon recognises a phone by its user
 * agent and goes full screen. In a narrow window without a phone's user agent (a desktop browser's phone view, some
 * in-app browsers) the panel would start off screen: narrower than 380 + 2 × 8 px, it takes the width less 8 px each
 * side. Wider windows get Carbon's defaults (380 px, 2rem).
 */
/** Set when logging out ended an agent chat: the reload that follows wipes the chat window, which said so. */
const SIGNED_OUT_NOTICE = 'genesys-handoff-demo.signed-out-notice';

/**
 * Carbon keeps no transcript across the reload that logging out does, so the service desk's word on why the agent
 * chat ended ("You signed out, …") would be gone at once: the page says it again in the new chat window.
 */
function retellSignedOut(instance: ChatInstance): void {
  if (!sessionStorage.getItem(SIGNED_OUT_NOTICE)) return;
  sessionStorage.removeItem(SIGNED_OUT_NOTICE);
  const notice = { output: { generic: [{ response_type: 'text', text: DEFAULT_STRINGS.signedOut }] } };
  void instance.messaging.addMessage(notice as unknown as MessageResponse);
}

const FLOAT_LAYOUT_ON_NARROW_SCREENS = {
  width: 'min(380px, calc(100vw - 16px))',
  'right-position': 'max(8px, min(2rem, calc((100vw - 380px) / 2)))',
} as const;

function renderPage(
  config: DemoConfig,
  login: DemoLogin,
  user: DemoUser | null,
  factory: CarbonServiceDeskFactory,
): void {
  $('backend').textContent = config.agentConsoleUrl
    ? 'here a local Genesys Cloud emulator stands in for it, so no Genesys org is needed.'
    : 'this demo is connected to your Genesys Cloud organization.';
  if (config.agentConsoleUrl) $<HTMLAnchorElement>('console-link').href = config.agentConsoleUrl;
  else
    $('console-step').textContent =
      'Play the agent: accept the chat in Genesys Cloud (the queue of your middleware configuration) and reply.';

  if (!config.login) {
    $('login-off').hidden = false;
    return;
  }
  if (user) {
    $('login-status').hidden = false;
    $('login-name').textContent = user.name;
    $('login-email').textContent = user.email;
    // Signing out of the site ends the chat the customer is signed in to (and tells them) before the page reloads.
    $('logout').addEventListener('click', () => {
      void factory
        .logOut()
        .then((ended) => ended && sessionStorage.setItem(SIGNED_OUT_NOTICE, '1'))
        .catch((e: unknown) => console.error('Ending the signed-in agent chat failed', e))
        .finally(() => {
          login.logOut();
          location.reload();
        });
    });
    return;
  }
  const form = $<HTMLFormElement>('login-form');
  form.hidden = false;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    $('login-error').textContent = '';
    login
      .logIn({ name: String(data.get('name') ?? ''), email: String(data.get('email') ?? '') })
      .then(() => location.reload())
      .catch((err: unknown) => ($('login-error').textContent = err instanceof Error ? err.message : String(err)));
  });
}

async function main(): Promise<void> {
  const config = await loadDemoConfig();
  const login = new DemoLogin(sessionStorage);
  const user = config.login ? login.user : null;
  window.__demo = { config, authenticated: user !== null };
  const factory = serviceDeskFactory(config, login, user);
  renderPage(config, login, user, factory);

  const chat = document.createElement('cds-aichat-container') as ChatElement;
  // Properties, not attributes: Carbon reads these as JS values.
  Object.assign(chat, {
    assistantName: 'Demo assistant',
    header: { title: 'Customer support' },
    messaging: {
      customSendMessage: async (request: MessageRequest, _options: unknown, instance: ChatInstance) => {
        // A quick-reply choice in an agent chat is for the agent (the service desk sends it); Carbon hands every
        // option choice to the assistant too, marked as a message for the human agent.
        if (request.input.agent_message_type) return;
        await instance.messaging.addMessage(assistantReply(request.input.text ?? '') as unknown as MessageResponse);
      },
    },
    serviceDeskFactory: factory,
    serviceDesk: { allowReconnect: true },
    // The hand-off's wording where Carbon's own misleads (who ended the chat, whose connection dropped).
    strings: HANDOFF_LANGUAGE_PACK,
    layout: { customProperties: FLOAT_LAYOUT_ON_NARROW_SCREENS },
    onAfterRender: (instance: ChatInstance) => {
      if (window.__demo) window.__demo.instance = instance;
      retellSignedOut(instance);
    },
  } satisfies CdsAiChatContainerAttributes);
  document.body.appendChild(chat);
}

main().catch((e: unknown) => {
  console.error('The demo failed to start', e);
  document.body.insertAdjacentHTML(
    'afterbegin',
    '<p class="error" role="alert">The demo failed to start: is the demo server running? See the console.</p>',
  );
});
