import { loadDemoConfig } from './demo-config';
import './styles.css';

/**
 * The hosted watsonx web chat embed, run as far as it can run offline: the service desk's options, then the classic
 * script `servicedesk.bundle.js`, then `window.watsonAssistantChatOptions` with `serviceDeskFactory:
 * window.WebChatServiceDeskFactory`. Only the last step, loading IBM's web chat from its CDN, is left out.
 */

declare global {
  interface Window {
    WebChatServiceDeskFactoryOptions?: Record<string, unknown>;
    WebChatServiceDeskFactory?: (parameters: unknown) => unknown;
    watsonAssistantChatOptions?: Record<string, unknown>;
  }
}

/** What a customer puts on their page (the order matters: the bundle must define the factory before web chat loads). */
export function embedSnippet(values: { serverBaseUrl: string; bundleUrl: string }): string {
  return `<script>
  // 1. The service desk's options, read once when the service desk's bundle loads.
  window.WebChatServiceDeskFactoryOptions = {
    serverBaseUrl: ${JSON.stringify(values.serverBaseUrl)}, // your genesys-handoff-server
    availability: true, // "no agents" check, queue position and wait time
    // authenticatedChat: true,
    // getIdentityToken: () => fetch("/my-identity-token").then((r) => r.text()),
  };

  // 3. Web chat, with our service desk.
  function loadWebChat() {
    window.watsonAssistantChatOptions = {
      integrationID: "YOUR_INTEGRATION_ID",
      region: "YOUR_REGION",
      serviceInstanceID: "YOUR_SERVICE_INSTANCE_ID",
      serviceDeskFactory: window.WebChatServiceDeskFactory,
      onLoad: async (instance) => { await instance.render(); },
    };
    const t = document.createElement("script");
    t.src = "https://web-chat.global.assistant.watson.appdomain.cloud/versions/" +
      (window.watsonAssistantChatOptions.clientVersion || "latest") + "/WatsonAssistantChatEntry.js";
    document.head.appendChild(t);
  }

  // 2. The service desk first: it defines window.WebChatServiceDeskFactory.
  const s = document.createElement("script");
  s.src = ${JSON.stringify(values.bundleUrl)};
  s.onload = loadWebChat;
  document.head.appendChild(s);
</script>`;
}

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`${src} could not be loaded`));
    document.head.appendChild(s);
  });
}

function show(id: string, ok: boolean, text: string): void {
  const el = document.getElementById(id)!;
  el.textContent = text;
  el.className = `check ${ok ? 'check--ok' : 'check--bad'}`;
}

async function main(): Promise<void> {
  const config = await loadDemoConfig();
  // A site on guest chat (the legacy channel) loads the bundle that carries it; every other site the default one.
  const setup = (await (await fetch(new URL('/setup', config.serverBaseUrl))).json()) as { channel?: string };
  const file = setup.channel === 'guest-chat' ? 'servicedesk.guest-chat.bundle.js' : 'servicedesk.bundle.js';
  const bundleUrl = new URL(file, location.href).href;
  document.getElementById('bundle-url')!.textContent = bundleUrl;
  document.getElementById('snippet')!.textContent = embedSnippet({ serverBaseUrl: config.serverBaseUrl, bundleUrl });

  window.WebChatServiceDeskFactoryOptions = { serverBaseUrl: config.serverBaseUrl, availability: true };
  await loadScript(bundleUrl);
  const type = typeof window.WebChatServiceDeskFactory;
  show(
    'factory-check',
    type === 'function',
    type === 'function'
      ? 'window.WebChatServiceDeskFactory is a function ✓'
      : `window.WebChatServiceDeskFactory is ${type} ✗`,
  );

  // Step 3 without IBM's script: the options web chat would read.
  window.watsonAssistantChatOptions = {
    integrationID: 'YOUR_INTEGRATION_ID',
    region: 'YOUR_REGION',
    serviceInstanceID: 'YOUR_SERVICE_INSTANCE_ID',
    serviceDeskFactory: window.WebChatServiceDeskFactory,
  };
  const wired =
    window.watsonAssistantChatOptions['serviceDeskFactory'] === window.WebChatServiceDeskFactory && type === 'function';
  show(
    'options-check',
    wired,
    wired ? 'set to window.WebChatServiceDeskFactory ✓ (web chat itself is not loaded offline)' : 'not set ✗',
  );
}

main().catch((e: unknown) => show('factory-check', false, `failed: ${e instanceof Error ? e.message : String(e)}`));
