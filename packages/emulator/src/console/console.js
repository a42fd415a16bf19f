// @ts-check
'use strict';
/**
 * The agent console of the Genesys Cloud emulator: a person plays the agent.
 *
 * No framework and no build step (plain ES2020). State comes from the `/control/events` WebSocket (a snapshot after
 * every change, plus a mirror of every guest frame); actions go to the JSON control API under `/control`. The page
 * never changes its state optimistically: it redraws from the next snapshot, so two tabs always agree. Its types are
 * JSDoc, checked by the repository's `pnpm typecheck`.
 */
(() => {
  // Inside the function, so these names stay out of the global scope the script would otherwise share with every file.
  /**
   * The shapes the control API sends, taken from its own code so the two cannot drift apart (types only: nothing is
   * imported at run time).
   * @typedef {ReturnType<typeof import('../routes/control-views').snapshot>} Snapshot
   * @typedef {ReturnType<typeof import('../routes/control-views').chatDetail>} ChatDetail
   * @typedef {Snapshot['chats'][number]} ChatSummary
   * @typedef {Snapshot['agents'][number]} Agent
   * @typedef {ChatDetail['messages'][number]} Message
   * @typedef {ChatDetail['members'][number]} Member
   */
  /**
   * A mirrored guest frame, as far as the console reads it (it checks `metadata` and `eventBody` before use).
   * @typedef {{ metadata: { type: string }, eventBody: { sender?: { id: string }, bodyType?: string } }} GuestFrame
   */
  /** @typedef {Node | string | number | boolean | null | undefined} Child */
  /**
   * A button, or the file input's label, that an action disables while it runs.
   * @typedef {Element & { disabled?: boolean }} Disableable
   */
  /** How long "is typing…" stays up after the guest's typing frame (Genesys sends no "stopped typing"). */
  const TYPING_SHOWN_MS = 4000;
  /** Minimum gap between two agent typing notifications while the person types. */
  const TYPING_SEND_EVERY_MS = 3000;
  const BACKOFF_MIN_MS = 500;
  const BACKOFF_MAX_MS = 10000;
  const ENDED_SHOWN = 20;
  const STORAGE_KEY = 'genesys-handoff-console.agentId';

  /** @type {Record<string, string>} */
  const END_REASONS = {
    guest: 'Customer left',
    agent: 'Agent ended the chat',
    inactivity: 'Ended for guest inactivity',
    system: 'Ended by the system',
  };
  /** @type {Record<string, string>} */
  const ROUTING = {
    OFF_QUEUE: 'Off queue',
    IDLE: 'Idle',
    INTERACTING: 'Interacting',
    COMMUNICATING: 'Communicating',
    NOT_RESPONDING: 'Not responding',
  };

  const state = {
    /** The last `GET /control/state` shape received. @type {Snapshot | null} */
    snapshot: null,
    actingAgentId: readStoredAgent(),
    /** @type {string | null} */
    selectedChatId: null,
    /** `GET /control/chats/:id` of the selected chat. @type {ChatDetail | null} */
    detail: null,
    /** chat id -> timeout that hides its typing indicator; present while the guest is shown typing. */
    typing: /** @type {Map<string, ReturnType<typeof setTimeout>>} */ (new Map()),
    /** chat id -> guest messages that arrived while another chat was selected. */
    unread: /** @type {Map<string, number>} */ (new Map()),
    /** chat id -> when the agent typing notification was last sent. */
    typingSentAt: /** @type {Map<string, number>} */ (new Map()),
    /** The emulator's clock may run ahead of real time (`POST /control/clock`); wait times use its offset. */
    clockOffsetMs: 0,
    /**
     * After an accept: move focus to the reply box once the chat is connected (it is disabled until then).
     * @type {string | null}
     */
    focusComposerFor: null,
  };

  /**
   * The page's element with this id; a missing one is a broken page (index.html and this script disagree), said by name.
   * @param {string} id
   * @returns {HTMLElement}
   */
  const $ = (id) => {
    const node = document.getElementById(id);
    if (!node) throw new Error(`The console page has no element with id "${id}"`);
    return node;
  };
  /** @param {string} id */
  const $input = (id) => /** @type {HTMLInputElement} */ ($(id));
  /** @param {string} id */
  const $select = (id) => /** @type {HTMLSelectElement} */ ($(id));
  /** @param {string} id */
  const $button = (id) => /** @type {HTMLButtonElement} */ ($(id));

  // ------------------------------------------------------------------ DOM helpers

  /**
   * Builds an element. Attributes with `false`/`null`/`undefined` are left out, `true` sets an empty attribute.
   * Text goes through text nodes only: guest input is never parsed as HTML.
   * @param {string} tag
   * @param {Record<string, string | number | boolean | null | undefined> | null} attrs
   * @param {...(Child | Child[])} children
   * @returns {HTMLElement}
   */
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === false || value === null || value === undefined) continue;
      node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** @type {WeakMap<Element, string>} */
  const signatures = new WeakMap();

  /**
   * Replaces a list's children only when the markup changed, so snapshots that change nothing here do not steal
   * focus or restart hover states. Focus moves to the element with the same `data-focus-key` when it is rebuilt.
   * @param {Element} container
   * @param {HTMLElement[]} nodes
   */
  function setChildren(container, nodes) {
    const sig = nodes.map((n) => n.outerHTML).join('');
    if (signatures.get(container) === sig) return;
    signatures.set(container, sig);
    const active = document.activeElement;
    const key = active && container.contains(active) ? active.getAttribute('data-focus-key') : null;
    container.replaceChildren(...nodes);
    if (key) {
      const again = [.../** @type {NodeListOf<HTMLElement>} */ (container.querySelectorAll('[data-focus-key]'))].find(
        (n) => n.getAttribute('data-focus-key') === key,
      );
      if (again) again.focus();
    }
    updateClocks();
  }

  /** @param {string | null | undefined} name */
  function initials(name) {
    return (name || '?')
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => w[0])
      .join('')
      .slice(0, 2)
      .toUpperCase();
  }

  /**
   * Web Messaging conversations are marked, so the agent knows the customer may come back later (asynchronous).
   * @param {ChatSummary} c
   */
  function mediaBadge(c) {
    return c.media === 'message'
      ? h(
          'span',
          { class: 'badge badge-media', 'data-testid': 'media-badge', title: 'Genesys Web Messaging' },
          'Messaging',
        )
      : null;
  }

  /**
   * Why a conversation ended, in the words of its channel (a messaging customer ends by clearing it).
   * @param {ChatSummary} c
   */
  function endReasonText(c) {
    if (c.media === 'message' && c.endReason === 'guest') return 'Customer cleared the conversation';
    return (c.endReason && END_REASONS[c.endReason]) || 'Ended';
  }

  /** @param {string} name */
  function guestAvatar(name) {
    return h('span', { class: 'avatar avatar-guest', 'aria-hidden': 'true' }, initials(name));
  }

  /**
   * @param {string | null | undefined} url
   * @param {string} name
   */
  function agentAvatar(url, name) {
    if (!url) return h('span', { class: 'avatar avatar-agent', 'aria-hidden': 'true' }, initials(name));
    return h('img', { class: 'avatar', src: url, alt: '', width: 32, height: 32, loading: 'lazy' });
  }

  /** @param {string | null} iso */
  function clockTime(iso) {
    const d = new Date(iso === null ? 0 : iso); // new Date(null) is the epoch too
    return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  /**
   * "0:42", "12:05", "1:02:09".
   * @param {number} ms
   */
  function duration(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    const hh = Math.floor(s / 3600);
    const mm = Math.floor((s % 3600) / 60);
    const ss = String(s % 60).padStart(2, '0');
    return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
  }

  /** Fills every `[data-since]` with the time elapsed since then, on the emulator's clock. */
  function updateClocks() {
    const now = Date.now() + state.clockOffsetMs;
    for (const node of document.querySelectorAll('[data-since]')) {
      const since = Date.parse(node.getAttribute('data-since') ?? '');
      if (!Number.isNaN(since)) node.textContent = duration(now - since);
    }
  }

  function readStoredAgent() {
    try {
      return sessionStorage.getItem(STORAGE_KEY);
    } catch {
      return null; // storage disabled: the choice just does not survive a reload
    }
  }

  /** @param {string | null} id */
  function storeAgent(id) {
    try {
      sessionStorage.setItem(STORAGE_KEY, String(id));
    } catch {
      /* see readStoredAgent */
    }
  }

  // ------------------------------------------------------------------ control API

  /**
   * An error's message, or the thrown value itself when it has none.
   * @param {unknown} e
   */
  function errorText(e) {
    const message = typeof e === 'object' && e !== null && 'message' in e ? e.message : undefined;
    return String(message ? message : e);
  }

  class ApiError extends Error {
    /**
     * @param {string} message
     * @param {number} status
     * @param {string} code
     */
    constructor(message, status, code) {
      super(message);
      this.name = 'ApiError';
      this.status = status;
      this.code = code;
    }
  }

  /**
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   * @returns {Promise<unknown>} the parsed JSON answer (its shape is the route's)
   */
  async function api(method, path, body) {
    let res;
    try {
      res = await fetch(path, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(`The emulator did not answer (${errorText(e)})`, 0, 'network');
    }
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!res.ok) {
      const code = json && typeof json.code === 'string' ? json.code : 'http';
      let message =
        json && typeof json.message === 'string' && json.message ? json.message : `${res.status} ${res.statusText}`;
      // chat.error.conversation.state has a short `message` and the reason in messageParams.message (sample R8).
      const reason = json && json.messageParams && json.messageParams.message;
      if (typeof reason === 'string' && reason && reason !== message) message = `${message}: ${reason}`;
      throw new ApiError(`${message} (${code}, ${res.status})`, res.status, code);
    }
    return json;
  }

  /** @param {string} text */
  function showError(text) {
    $('error-text').textContent = text;
    $('error').hidden = false;
  }

  function clearError() {
    $('error').hidden = true;
    $('error-text').textContent = '';
  }

  /**
   * Runs a person's action; a failure is shown in the error line, never swallowed.
   * @param {string} what
   * @param {() => unknown} fn
   * @param {Disableable | null | undefined} button disabled while it runs
   */
  async function act(what, fn, button) {
    clearError();
    if (button) button.disabled = true;
    try {
      await fn();
    } catch (e) {
      console.error(`Could not ${what}`, e);
      showError(`Could not ${what}: ${errorText(e)}`);
    } finally {
      // The button may have been replaced by a redraw meanwhile; re-enabling a detached one is harmless.
      if (button) button.disabled = false;
      renderConversation();
    }
  }

  // ------------------------------------------------------------------ model lookups

  const chats = () => (state.snapshot ? state.snapshot.chats : []);
  const agents = () => (state.snapshot ? state.snapshot.agents : []);
  /** @param {string | null} id */
  const chatById = (id) => chats().find((c) => c.id === id);
  /** @param {string | null} id */
  const agentById = (id) => agents().find((a) => a.id === id);
  /** @param {ChatSummary} c */
  const isWaiting = (c) => c.state === 'queued' || c.state === 'alerting';

  /** @param {ChatSummary} c */
  function chatStateText(c) {
    switch (c.state) {
      case 'created':
        return 'Created, waiting for the guest to connect';
      case 'workflow':
        return 'In the inbound chat flow';
      case 'queued':
        return `Waiting in ${c.queueName || 'the queue'}`;
      case 'alerting':
        return `Ringing ${c.agent ? c.agent.name : 'an agent'}`;
      case 'connected':
        return `Connected with ${c.agent ? c.agent.name : 'an agent'}`;
      case 'ended':
        return `Ended · ${endReasonText(c)}`;
      default:
        return c.state;
    }
  }

  /**
   * Custom fields, then the verified claims of an authenticated guest, as [label, value, isSigned].
   * @param {ChatSummary} c
   * @returns {Array<[string, string, boolean]>}
   */
  function guestFields(c) {
    /** @type {Array<[string, string, boolean]>} */
    const out = [];
    for (const [k, v] of Object.entries(c.guest.customFields || {})) out.push([k, String(v), false]);
    for (const [k, v] of Object.entries(c.guest.signedData || {})) {
      out.push([k, v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v), true]);
    }
    return out;
  }

  // ------------------------------------------------------------------ rendering

  function renderAll() {
    renderAgentSelect();
    renderQueue();
    renderChats();
    renderAgents();
    renderConversation();
  }

  function renderAgentSelect() {
    const select = $select('agent-select');
    const list = agents();
    if (!agentById(state.actingAgentId) && list[0]) {
      state.actingAgentId = list[0].id;
    }
    setChildren(
      select,
      list.map((a) => h('option', { value: a.id }, a.name)),
    );
    if (state.actingAgentId && select.value !== state.actingAgentId) select.value = state.actingAgentId;
  }

  function renderQueue() {
    const waiting = chats()
      .filter(isWaiting)
      .sort((a, b) => String(a.queuedAt).localeCompare(String(b.queuedAt)));
    $('queue-count').textContent = String(waiting.length);
    $('queue-empty').hidden = waiting.length > 0;
    document.title =
      waiting.length > 0
        ? `(${waiting.length}) Agent console · Genesys Cloud emulator`
        : 'Agent console · Genesys Cloud emulator';
    const acting = agentById(state.actingAgentId);
    setChildren(
      $('queue-list'),
      waiting.map((c) => {
        const name = c.guest.displayName || 'Guest';
        const fields = guestFields(c);
        return h(
          'li',
          {
            class: `card${c.id === state.selectedChatId ? ' is-selected' : ''}`,
            'data-testid': 'queue-item',
            'data-chat-id': c.id,
            'data-state': c.state,
          },
          h(
            'div',
            { class: 'card-head' },
            guestAvatar(name),
            h('span', { class: 'card-name', 'data-testid': 'queue-item-name' }, name),
            mediaBadge(c),
            c.guest.authenticatedGuest
              ? h(
                  'span',
                  { class: 'badge badge-auth', title: 'Authenticated guest (signed data verified)' },
                  'Authenticated',
                )
              : null,
          ),
          h(
            'p',
            { class: 'card-sub' },
            h('span', { 'data-testid': 'queue-item-queue' }, c.queueName || 'No queue'),
            ' · waiting ',
            h('span', { class: 'since', 'data-since': c.queuedAt || c.createdAt, 'data-testid': 'queue-item-waiting' }),
          ),
          fields.length > 0
            ? h(
                'ul',
                { class: 'chips', 'aria-label': 'Guest details', 'data-testid': 'queue-item-fields' },
                fields.map(([k, v, signed]) =>
                  h(
                    'li',
                    {
                      class: `chip${signed ? ' chip-signed' : ''}`,
                      title: `${k}: ${v}${signed ? ' (signed data, verified)' : ''}`,
                    },
                    h('span', { class: 'chip-key' }, `${k}:`),
                    ` ${v}`,
                    signed ? h('span', { class: 'visually-hidden' }, ' (signed data)') : null,
                  ),
                ),
              )
            : null,
          c.state === 'alerting'
            ? h('p', { class: 'card-note', role: 'note' }, `Ringing ${c.agent ? c.agent.name : 'an agent'}…`)
            : null,
          h(
            'div',
            { class: 'card-actions' },
            h(
              'button',
              {
                type: 'button',
                class: 'btn btn-ghost',
                'data-action': 'view',
                'data-chat-id': c.id,
                'data-focus-key': `view:${c.id}`,
                'aria-label': `View ${name}'s chat`,
              },
              'View',
            ),
            h(
              'button',
              {
                type: 'button',
                class: 'btn btn-primary',
                'data-action': 'accept',
                'data-chat-id': c.id,
                'data-testid': 'accept',
                'data-focus-key': `accept:${c.id}`,
                'aria-label': `Accept ${name}'s chat${acting ? ` as ${acting.name}` : ''}`,
                disabled: c.state !== 'queued',
              },
              'Accept',
            ),
          ),
        );
      }),
    );
  }

  /**
   * @param {ChatSummary} c
   * @param {string} testid
   * @param {string} sub
   * @param {HTMLElement} side
   */
  function chatItem(c, testid, sub, side) {
    const name = c.guest.displayName || 'Guest';
    return h(
      'li',
      {},
      h(
        'button',
        {
          type: 'button',
          class: `chat-item${c.state === 'ended' ? ' is-ended' : ''}`,
          'data-testid': testid,
          'data-chat-id': c.id,
          'data-state': c.state,
          'data-focus-key': `chat:${c.id}`,
          'aria-current': c.id === state.selectedChatId ? 'true' : false,
        },
        guestAvatar(name),
        h(
          'span',
          { class: 'chat-item-main' },
          h('span', { class: 'chat-item-name' }, name, c.media === 'message' ? ' ' : null, mediaBadge(c)),
          h('span', { class: 'chat-item-sub', 'data-testid': `${testid}-sub` }, sub),
        ),
        side,
      ),
    );
  }

  function renderChats() {
    const active = chats()
      .filter((c) => c.state === 'connected')
      .sort((a, b) => String(a.connectedAt).localeCompare(String(b.connectedAt)));
    $('chats-count').textContent = String(active.length);
    $('chats-empty').hidden = active.length > 0;
    setChildren(
      $('chat-list'),
      active.map((c) => {
        const unread = state.unread.get(c.id) || 0;
        const mine = c.agent && c.agent.agentId === state.actingAgentId;
        const side = h(
          'span',
          { class: 'chat-item-side' },
          state.typing.has(c.id) ? h('span', { class: 'typing-mini' }, 'typing…') : null,
          unread > 0
            ? h('span', { class: 'badge badge-unread', 'aria-label': `${unread} unread` }, String(unread))
            : null,
          c.guest.sockets === 0
            ? h('span', { class: 'badge badge-muted', title: 'The guest has no open connection' }, 'offline')
            : null,
        );
        return chatItem(
          c,
          'chat-item',
          `${mine ? 'You' : c.agent ? c.agent.name : 'No agent'} · ${c.queueName || 'no queue'}`,
          side,
        );
      }),
    );
    const ended = chats()
      .filter((c) => c.state === 'ended')
      .sort((a, b) => String(b.endedAt).localeCompare(String(a.endedAt)))
      .slice(0, ENDED_SHOWN);
    $('ended-empty').hidden = ended.length > 0;
    setChildren(
      $('ended-list'),
      ended.map((c) =>
        chatItem(
          c,
          'ended-item',
          endReasonText(c),
          h('span', { class: 'chat-item-side' }, h('span', { class: 'muted' }, clockTime(c.endedAt))),
        ),
      ),
    );
  }

  function renderAgents() {
    setChildren(
      $('agent-list'),
      agents().map((a) => {
        const you = a.id === state.actingAgentId;
        const n = a.chats.length;
        return h(
          'li',
          { class: `agent${you ? ' is-you' : ''}`, 'data-testid': 'agent-item', 'data-agent-id': a.id },
          agentAvatar(a.avatarImageUrl, a.name),
          h(
            'span',
            { class: 'agent-info' },
            h('span', { class: 'agent-name' }, a.name, you ? h('span', { class: 'you' }, ' (you)') : null),
            h(
              'span',
              { class: `agent-status status-${String(a.routingStatus).toLowerCase()}`, 'data-testid': 'agent-status' },
              ROUTING[a.routingStatus] || a.routingStatus,
              n > 0 ? ` · ${n} chat${n === 1 ? '' : 's'}` : '',
            ),
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'switch',
              role: 'switch',
              'aria-checked': a.onQueue ? 'true' : 'false',
              'aria-label': `${a.name} on queue`,
              'data-action': 'toggle-queue',
              'data-agent-id': a.id,
              'data-testid': 'agent-toggle',
              'data-focus-key': `toggle:${a.id}`,
            },
            h('span', { class: 'switch-track', 'aria-hidden': 'true' }, h('span', { class: 'switch-thumb' })),
            h('span', { class: 'switch-label', 'aria-hidden': 'true' }, a.onQueue ? 'On queue' : 'Off queue'),
          ),
        );
      }),
    );
  }

  function renderConversation() {
    const summary = state.selectedChatId ? chatById(state.selectedChatId) : null;
    const d = state.detail && state.detail.id === state.selectedChatId ? state.detail : null;
    $('conv-placeholder').hidden = Boolean(summary || d);
    $('conv').hidden = !(summary || d);
    if (!summary && !d) return;
    // The snapshot is newer than the detail for state; the detail alone has members and messages.
    const c = /** @type {ChatSummary} */ (summary || d);
    const name = c.guest.displayName || 'Guest';
    const title = $('conv-title');
    title.replaceChildren(
      name,
      c.media === 'message' ? ' ' : '',
      mediaBadge(c) || '',
      c.guest.authenticatedGuest ? h('span', { class: 'badge badge-auth' }, 'Authenticated') : '',
    );
    const stateLine = $('conv-state');
    stateLine.className = `conv-state state-${c.state}`;
    stateLine.setAttribute('data-state', c.state);
    stateLine.replaceChildren(
      chatStateText(c),
      c.state === 'queued' ? h('span', {}, ' · ', h('span', { 'data-since': c.queuedAt || c.createdAt })) : '',
      c.state !== 'ended' && c.guest.sockets === 0 ? ' · guest offline' : '',
    );
    // Only the chat's own agent writes, transfers or ends it (as in Genesys); anyone else acting here only reads.
    const owner = c.agent && c.agent.agentId && c.agent.agentId !== state.actingAgentId ? c.agent : null;
    const connected = c.state === 'connected' && !owner;
    $('conv-accept').hidden = c.state !== 'queued';
    $('transfer-form').hidden = !connected;
    $('end-chat').hidden = c.state === 'ended' || !c.agent || Boolean(owner);
    renderTransferTargets(c);

    const fields = guestFields(c);
    const dl = $('conv-fields');
    dl.hidden = fields.length === 0;
    setChildren(
      dl,
      fields.flatMap(([k, v, signed]) => [
        h(
          'dt',
          signed ? { class: 'signed', title: 'Signed data (verified)' } : {},
          k,
          signed ? h('span', { class: 'visually-hidden' }, ' (signed data)') : null,
        ),
        h('dd', {}, v),
      ]),
    );

    const input = $input('message-input');
    const send = $button('send');
    input.disabled = !connected;
    send.disabled = !connected;
    // Quick replies and files exist on Web Messaging only.
    $('wm-tools').hidden = !(connected && c.media === 'message');
    $input('markdown-toggle').checked = Boolean(c.messaging && c.messaging.markdown);
    $input('file-input').disabled = !connected;
    $('composer').hidden = c.state === 'ended';
    const hint = $('composer-hint');
    hint.hidden = connected;
    const acting = agentById(state.actingAgentId);
    if (owner && c.state !== 'ended') {
      setChildren(hint, [
        h('span', {}, `${owner.name} has this chat; you act as ${acting ? acting.name : 'another agent'}. `),
        h(
          'button',
          { type: 'button', class: 'btn btn-secondary', 'data-action': 'act-as', 'data-agent-id': owner.agentId },
          `Act as ${owner.name}`,
        ),
      ]);
    } else
      setChildren(hint, [
        h(
          'span',
          {},
          c.state === 'ended'
            ? `This chat has ended (${endReasonText(c)}).`
            : c.state === 'queued'
              ? 'The guest is waiting in queue: accept the chat to reply.'
              : c.state === 'alerting'
                ? `Waiting for ${c.agent ? c.agent.name : 'the agent'} to connect…`
                : 'You can reply once an agent is connected.',
        ),
      ]);

    if (connected && state.focusComposerFor === c.id) {
      state.focusComposerFor = null;
      input.focus();
    }

    if (d) renderTranscript(d);
    else if (drawn.chatId !== c.id) {
      // Another chat was just selected: its transcript is on its way; do not leave the previous one up.
      drawn = { chatId: null, ids: new Set(), last: null };
      $('transcript').replaceChildren();
    }
    renderTyping();
    updateClocks();
  }

  /** @param {ChatSummary} c */
  function renderTransferTargets(c) {
    const select = $select('transfer-target');
    const previous = select.value;
    const current = c.agent ? c.agent.agentId : null;
    const options = [
      h(
        'optgroup',
        { label: 'Agents' },
        agents()
          .filter((a) => a.id !== current)
          .map((a) =>
            h('option', { value: `agent:${a.id}` }, `${a.name} (${ROUTING[a.routingStatus] || a.routingStatus})`),
          ),
      ),
      h(
        'optgroup',
        { label: 'Queues' },
        (state.snapshot ? state.snapshot.queues : []).map((q) =>
          h('option', { value: `queue:${q.name}` }, `${q.name} (queue)`),
        ),
      ),
    ];
    setChildren(select, options);
    if ([...select.options].some((o) => o.value === previous)) select.value = previous;
  }

  /** Appends the messages not drawn yet: messages only ever grow, and redrawing would re-announce them all. */
  /** @type {{ chatId: string | null, ids: Set<string>, last: { senderId: string, at: number } | null }} */
  let drawn = { chatId: null, ids: new Set(), last: null };

  /** @param {ChatDetail} d */
  function renderTranscript(d) {
    const list = $('transcript');
    const fresh = drawn.chatId !== d.id;
    if (fresh) {
      drawn = { chatId: d.id, ids: new Set(), last: null };
      list.replaceChildren();
      list.setAttribute('aria-busy', 'true');
    }
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 48;
    const members = new Map((d.members || []).map((m) => [m.id, m]));
    let added = false;
    for (const m of d.messages) {
      if (drawn.ids.has(m.id)) continue;
      drawn.ids.add(m.id);
      list.append(messageNode(m, members.get(m.senderId), d));
      added = true;
    }
    if (fresh) list.removeAttribute('aria-busy');
    if (added && (fresh || nearBottom)) list.scrollTop = list.scrollHeight;
  }

  /**
   * @param {string} text
   * @param {Message} m
   * @param {string} [extraClass]
   */
  function systemLine(text, m, extraClass) {
    drawn.last = null;
    return h(
      'li',
      {
        class: `sys${extraClass ? ` ${extraClass}` : ''}`,
        'data-testid': 'system-line',
        'data-body-type': m.bodyType,
        'data-message-id': m.id,
      },
      h('span', {}, text),
      h('time', { datetime: m.timestamp }, clockTime(m.timestamp)),
    );
  }

  /**
   * @param {Message} m
   * @param {Member | undefined} member
   * @param {ChatDetail} d
   */
  function messageNode(m, member, d) {
    const role = m.senderRole || (member && member.role) || 'UNKNOWN';
    const name =
      m.senderName || (member && member.displayName) || (role === 'CUSTOMER' ? d.guest.displayName : 'Someone');
    switch (m.bodyType) {
      case 'member-join':
        return systemLine(
          role === 'ACD' ? `Queued in ${name}` : role === 'WORKFLOW' ? `${name} started` : `${name} joined`,
          m,
        );
      case 'member-leave':
        return systemLine(
          role === 'ACD' ? `Left ${name}` : role === 'WORKFLOW' ? `${name} finished` : `${name} left`,
          m,
        );
      case 'media-request': {
        const request = (d.mediaRequests || []).find((r) => r.id === m.body);
        const kinds = request
          ? request.types.map((t) => (t === 'COBROWSE' ? 'co-browse' : 'screen share')).join(' and ')
          : 'media';
        return systemLine(
          `${name} sent a ${kinds} request${request ? ` (${request.state.toLowerCase()})` : ''}`,
          m,
          'sys-media',
        );
      }
      case 'notice':
        drawn.last = null;
        return h(
          'li',
          { class: 'notice', 'data-testid': 'notice', 'data-role': role, 'data-message-id': m.id },
          h('span', { class: 'notice-from' }, name),
          h('span', { class: 'notice-body' }, m.body, quickRepliesNode(m)),
          h('time', { datetime: m.timestamp }, clockTime(m.timestamp)),
        );
      default: {
        // Consecutive messages of one sender within two minutes share one name and avatar.
        const at = Date.parse(m.timestamp);
        const continues = drawn.last && drawn.last.senderId === m.senderId && at - drawn.last.at < 120000;
        drawn.last = { senderId: m.senderId, at };
        const side = role === 'AGENT' ? 'msg-agent' : role === 'CUSTOMER' ? 'msg-customer' : 'msg-system';
        return h(
          'li',
          {
            class: `msg ${side}${continues ? ' is-continued' : ''}`,
            'data-testid': 'message',
            'data-role': role,
            'data-message-id': m.id,
          },
          role === 'CUSTOMER' ? guestAvatar(name) : agentAvatar(member && member.avatarImageUrl, name),
          h(
            'div',
            { class: 'msg-content' },
            h(
              'p',
              { class: 'msg-meta' },
              h('span', { class: 'msg-name' }, name),
              ' ',
              h('time', { datetime: m.timestamp }, clockTime(m.timestamp)),
            ),
            m.body
              ? h(
                  'p',
                  { class: 'bubble', 'data-testid': 'message-body' },
                  m.body,
                  m.buttonResponse ? h('span', { class: 'muted' }, ' (quick reply)') : null,
                )
              : null,
            attachmentsNode(m),
            quickRepliesNode(m),
          ),
        );
      }
    }
  }

  /**
   * A message's files: images shown as images, anything else as a link; both open the file in a new tab.
   * @param {Message} m
   */
  function attachmentsNode(m) {
    if (!m.attachments || m.attachments.length === 0) return null;
    return h(
      'ul',
      { class: 'attachments', 'data-testid': 'attachments' },
      m.attachments.map((a) =>
        h(
          'li',
          { class: 'attachment', 'data-testid': 'attachment', 'data-media-type': a.mediaType },
          h(
            'a',
            { href: a.url, target: '_blank', rel: 'noopener', title: `${a.filename} (${a.mime})` },
            a.mediaType === 'Image'
              ? h('img', { src: a.url, alt: a.filename, class: 'attachment-image', 'data-testid': 'attachment-image' })
              : h('span', { class: 'attachment-file' }, `📎 ${a.filename}`),
          ),
        ),
      ),
    );
  }

  /** @param {Message} m */
  function quickRepliesNode(m) {
    if (!m.quickReplies || m.quickReplies.length === 0) return null;
    return h(
      'ul',
      { class: 'chips quick-replies', 'aria-label': 'Quick replies offered', 'data-testid': 'quick-replies' },
      m.quickReplies.map((q) => h('li', { class: 'chip' }, q.text)),
    );
  }

  function renderTyping() {
    const node = $('typing');
    const c = state.selectedChatId ? chatById(state.selectedChatId) : null;
    const show = Boolean(c && state.typing.has(c.id) && c.state !== 'ended');
    node.hidden = !show;
    node.replaceChildren(
      ...(show && c
        ? [
            `${c.guest.displayName || 'The guest'} is typing`,
            h(
              'span',
              { class: 'dots', 'aria-hidden': 'true' },
              h('span', {}, '.'),
              h('span', {}, '.'),
              h('span', {}, '.'),
            ),
          ]
        : []),
    );
  }

  // ------------------------------------------------------------------ selection and detail

  /** @param {string} chatId */
  function select(chatId) {
    if (state.selectedChatId !== chatId) {
      state.selectedChatId = chatId;
      state.detail = null;
      $input('message-input').value = '';
    }
    state.unread.delete(chatId);
    try {
      history.replaceState(null, '', `#chat=${encodeURIComponent(chatId)}`);
    } catch {
      /* file:// or sandboxed: the selection just is not in the address */
    }
    renderAll();
    void loadDetail();
  }

  let detailLoading = false;
  let detailAgain = false;

  /** Fetches the selected chat; calls while one is in flight collapse into one more fetch after it. */
  async function loadDetail() {
    const id = state.selectedChatId;
    if (!id) return;
    if (detailLoading) {
      detailAgain = true;
      return;
    }
    detailLoading = true;
    try {
      const d = /** @type {ChatDetail} */ (await api('GET', `/control/chats/${encodeURIComponent(id)}`));
      if (state.selectedChatId === id) {
        state.detail = d;
        renderConversation();
      }
    } catch (e) {
      showError(`Could not load the chat: ${errorText(e)}`);
    } finally {
      detailLoading = false;
      if (detailAgain) {
        detailAgain = false;
        void loadDetail();
      }
    }
  }

  // ------------------------------------------------------------------ live events

  /** @param {Snapshot} snapshot */
  function onSnapshot(snapshot) {
    state.snapshot = snapshot;
    // The emulator's clock can be moved by tests; wait times follow it.
    if (typeof snapshot.clockOffsetMs === 'number') state.clockOffsetMs = snapshot.clockOffsetMs;
    for (const id of state.typing.keys()) {
      const c = chatById(id);
      if (!c || c.state === 'ended') stopTyping(id);
    }
    renderAll();
    if (state.selectedChatId) void loadDetail();
  }

  /** @param {string} chatId */
  function stopTyping(chatId) {
    clearTimeout(state.typing.get(chatId));
    state.typing.delete(chatId);
  }

  /**
   * A mirrored guest frame. Typing and messages are matched to the guest by member id (the agent's own are echoed too).
   * @param {string} chatId
   * @param {Partial<GuestFrame> | null | undefined} frame what the socket said: checked here
   */
  function onFrame(chatId, frame) {
    if (!frame || typeof frame !== 'object' || !frame.metadata || !frame.eventBody) {
      console.warn('Dropped a frame the console does not understand', frame);
      return;
    }
    const c = chatById(chatId);
    const sender = frame.eventBody.sender ? frame.eventBody.sender.id : undefined;
    const fromGuest = Boolean(c && sender && sender === c.guest.memberId);
    switch (frame.metadata.type) {
      case 'typing-indicator':
        if (!fromGuest) return;
        stopTyping(chatId);
        state.typing.set(
          chatId,
          setTimeout(() => {
            state.typing.delete(chatId);
            renderTyping();
            renderChats();
          }, TYPING_SHOWN_MS),
        );
        renderTyping();
        renderChats();
        return;
      case 'message':
        if (fromGuest) {
          stopTyping(chatId);
          if (chatId !== state.selectedChatId && frame.eventBody.bodyType === 'standard') {
            state.unread.set(chatId, (state.unread.get(chatId) || 0) + 1);
          }
          renderTyping();
          renderChats();
        }
        if (chatId === state.selectedChatId) void loadDetail();
        return;
      case 'member-change':
        if (chatId === state.selectedChatId) void loadDetail();
        return;
      default:
        console.warn('Dropped a frame of an unknown type', frame.metadata.type);
    }
  }

  /** @type {{ socket: WebSocket | null, attempt: number, retry: ReturnType<typeof setTimeout> | null }} */
  const connection = { socket: null, attempt: 0, retry: null };

  /**
   * Capped exponential backoff with jitter (half to full of the step).
   * @param {number} attempt
   */
  function backoff(attempt) {
    const step = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
    return Math.round(step / 2 + (Math.random() * step) / 2);
  }

  /**
   * @param {string} kind
   * @param {string} text
   */
  function setConnection(kind, text) {
    const node = $('connection');
    node.setAttribute('data-state', kind);
    node.textContent = text;
  }

  function connect() {
    connection.retry = null;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/control/events`;
    const ws = new WebSocket(url);
    connection.socket = ws;
    ws.addEventListener('open', () => {
      connection.attempt = 0;
      setConnection('live', 'Live');
    });
    ws.addEventListener('message', (event) => {
      let m;
      try {
        m = JSON.parse(event.data);
      } catch {
        console.warn('Dropped a console event that is not JSON', event.data);
        return;
      }
      if (m && m.type === 'snapshot' && m.state) onSnapshot(m.state);
      else if (m && m.type === 'frame') onFrame(m.conversationId, m.frame);
      else console.warn('Dropped a console event of an unknown type', m);
    });
    ws.addEventListener('close', () => {
      if (connection.socket !== ws) return;
      connection.socket = null;
      const delay = backoff(connection.attempt++);
      setConnection('reconnecting', `Disconnected, retrying in ${Math.ceil(delay / 1000)} s…`);
      connection.retry = setTimeout(connect, delay);
    });
    // An 'error' is always followed by 'close', which does the reconnecting.
  }

  // ------------------------------------------------------------------ actions

  function wire() {
    $('error-dismiss').addEventListener('click', clearError);

    /** @param {string | null} agentId */
    const actAs = (agentId) => {
      state.actingAgentId = agentId;
      storeAgent(agentId);
      renderAll();
    };
    const agentSelect = $select('agent-select');
    agentSelect.addEventListener('change', () => actAs(agentSelect.value));
    $('composer-hint').addEventListener('click', (e) => {
      const button = /** @type {Element} */ (e.target).closest('button[data-action="act-as"]');
      if (button) actAs(button.getAttribute('data-agent-id'));
    });

    $('new-agent-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const input = $input('new-agent-name');
      const name = input.value.trim();
      if (!name) return;
      void act(
        `add the agent ${name}`,
        async () => {
          const existing = agents().find((a) => a.name === name);
          const agent = existing || /** @type {Agent} */ (await api('POST', '/control/agents', { name }));
          // Shown at once; the snapshot that follows confirms it.
          if (!agentById(agent.id) && state.snapshot) state.snapshot.agents.push(agent);
          state.actingAgentId = agent.id;
          storeAgent(agent.id);
          input.value = '';
          renderAll();
        },
        e.submitter,
      );
    });

    $('queue-list').addEventListener('click', (e) => {
      const button = /** @type {Element} */ (e.target).closest('button[data-action]');
      if (!button) return;
      const chatId = /** @type {string} */ (button.getAttribute('data-chat-id'));
      if (button.getAttribute('data-action') === 'view') select(chatId);
      else if (button.getAttribute('data-action') === 'accept') accept(chatId, button);
    });

    const convAccept = $button('conv-accept');
    // The button is shown for the selected chat only.
    convAccept.addEventListener('click', () => accept(/** @type {string} */ (state.selectedChatId), convAccept));

    for (const id of ['chat-list', 'ended-list']) {
      $(id).addEventListener('click', (e) => {
        const button = /** @type {Element} */ (e.target).closest('button[data-chat-id]');
        if (button) select(/** @type {string} */ (button.getAttribute('data-chat-id')));
      });
    }

    $('agent-list').addEventListener('click', (e) => {
      const button = /** @type {Element} */ (e.target).closest('button[data-action="toggle-queue"]');
      if (!button) return;
      const agent = agentById(button.getAttribute('data-agent-id'));
      if (!agent) return;
      const onQueue = !agent.onQueue;
      void act(
        `put ${agent.name} ${onQueue ? 'on' : 'off'} queue`,
        () => api('PATCH', `/control/agents/${encodeURIComponent(agent.id)}`, { onQueue }),
        button,
      );
    });

    $('transfer-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const chatId = state.selectedChatId;
      const target = $select('transfer-target').value;
      if (!chatId || !target) return;
      const colon = target.indexOf(':');
      const kind = target.slice(0, colon);
      const value = target.slice(colon + 1);
      const body = kind === 'agent' ? { toAgentId: value } : { toQueue: value };
      const label = kind === 'agent' ? (agentById(value) || { name: 'the agent' }).name : `the ${value} queue`;
      void act(
        `transfer the chat to ${label}`,
        () => api('POST', `/control/chats/${encodeURIComponent(chatId)}/transfer`, body),
        e.submitter,
      );
    });

    // Ending is final for the customer: ask first.
    const endDialog = /** @type {HTMLDialogElement} */ ($('end-dialog'));
    $('end-chat').addEventListener('click', () => {
      const c = state.selectedChatId ? chatById(state.selectedChatId) : null;
      if (!c) return;
      endDialog.setAttribute('data-chat-id', c.id);
      $('end-dialog-title').textContent = `End the chat with ${c.guest.displayName || 'the guest'}?`;
      // Web Messaging: what the customer is told follows the deployment, and the agent may choose otherwise.
      const messaging = c.media === 'message' && c.messaging;
      $('end-dialog-disconnect').hidden = !messaging;
      $('end-dialog-text').hidden = Boolean(messaging);
      if (messaging) $select('disconnect-type').value = messaging.disconnect;
      endDialog.showModal();
    });
    endDialog.addEventListener('close', () => {
      const chatId = endDialog.getAttribute('data-chat-id');
      if (endDialog.returnValue !== 'end' || !chatId) return;
      void act(
        'end the chat',
        () => {
          const c = chatById(chatId);
          /** @type {{ agentId: string | null, disconnect?: string }} */
          const body = { agentId: state.actingAgentId };
          if (c && c.media === 'message') body.disconnect = $select('disconnect-type').value;
          return api('POST', `/control/chats/${encodeURIComponent(chatId)}/end`, body);
        },
        $('end-chat'),
      );
    });

    const markdownToggle = $input('markdown-toggle');
    markdownToggle.addEventListener('change', () => {
      const c = state.selectedChatId ? chatById(state.selectedChatId) : null;
      if (!c || !c.messaging) return;
      const deploymentId = c.messaging.messengerDeploymentId;
      const markdown = markdownToggle.checked;
      void act(
        markdown ? 'turn Markdown on' : 'turn Markdown off',
        async () => {
          const id = encodeURIComponent(deploymentId);
          await api('PUT', `/control/messaging/deployments/${id}/settings`, { markdown });
          // A deployment's settings are not part of the chats' pushed changes: every chat of it is told here.
          for (const other of chats())
            if (other.messaging && other.messaging.messengerDeploymentId === deploymentId)
              other.messaging.markdown = markdown;
        },
        markdownToggle,
      );
    });

    const fileInput = $input('file-input');
    fileInput.addEventListener('change', () => {
      const file = fileInput.files && fileInput.files[0];
      fileInput.value = '';
      sendFile(file);
    });

    const input = $input('message-input');
    input.addEventListener('keydown', (e) => {
      // Enter sends; Shift+Enter is a new line; an IME composition's Enter only confirms the composition.
      if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey && !e.isComposing) {
        e.preventDefault();
        /** @type {HTMLFormElement} */ ($('composer')).requestSubmit();
      }
    });
    input.addEventListener('input', () => {
      const chatId = state.selectedChatId;
      const c = chatId ? chatById(chatId) : null;
      if (!chatId || !c || c.state !== 'connected' || input.value.trim() === '') return;
      const now = Date.now();
      if (now - (state.typingSentAt.get(chatId) || 0) < TYPING_SEND_EVERY_MS) return;
      state.typingSentAt.set(chatId, now);
      api('POST', `/control/chats/${encodeURIComponent(chatId)}/typing`, { agentId: state.actingAgentId }).catch(
        (err) => {
          showError(`Could not send the typing indicator: ${errorText(err)}`);
        },
      );
    });
    $('composer').addEventListener('submit', (e) => {
      e.preventDefault();
      const chatId = state.selectedChatId;
      const body = input.value.trim();
      if (!chatId || !body) return;
      void act(
        'send the message',
        async () => {
          const c = chatById(chatId);
          const messaging = c && c.media === 'message';
          const quick = messaging ? parseQuickReplies($input('quick-replies').value) : [];
          const rich = messaging ? richContent($select('rich-content').value) : {};
          await api('POST', `/control/chats/${encodeURIComponent(chatId)}/messages`, {
            body,
            agentId: state.actingAgentId,
            ...(quick.length > 0 ? { quickReplies: quick } : {}),
            ...rich,
          });
          $select('rich-content').value = '';
          // Only now: a failed send keeps the text for another try.
          if (state.selectedChatId === chatId && input.value.trim() === body) input.value = '';
          if (quick.length > 0) $input('quick-replies').value = '';
          state.typingSentAt.delete(chatId);
          await loadDetail();
        },
        $('send'),
      );
    });
  }

  /**
   * What the agent sends with the text, chosen from samples a person can try at once: cards (their picture served by
   * the emulator, a link button and an answer button), or a picker the customer's chat may not draw.
   * @param {string} kind
   */
  function richContent(kind) {
    const picture = `${location.origin}/avatars/card-picture.svg`;
    /**
     * @param {string} title
     * @param {string} description
     */
    const card = (title, description) => {
      const slug = title.toLowerCase().replace(/ /g, '-');
      return {
        title,
        description,
        image: picture,
        actions: [
          { type: 'Link', text: `${title} details`, url: `https://shop.example.com/${slug}` },
          { type: 'Postback', text: `I'll take the ${title}`, payload: `take-${slug}` },
        ],
      };
    };
    const trail = () => card('Trail boots', 'Waterproof, sizes 36 to 47.');
    /** @param {number} hour */
    const tomorrowAt = (hour) => {
      const d = new Date();
      d.setDate(d.getDate() + 1);
      d.setHours(hour, 0, 0, 0);
      return d.toISOString();
    };
    switch (kind) {
      case 'card':
        return { cards: [trail()] };
      case 'carousel':
        return { cards: [trail(), card('City boots', 'Leather, sizes 38 to 46.')] };
      case 'date-picker':
        return {
          content: [
            {
              contentType: 'DatePicker',
              datePicker: {
                title: 'Book a call',
                availableTimes: [10, 14].map((h) => ({ dateTime: tomorrowAt(h), duration: 1800 })),
              },
            },
          ],
        };
      case 'list-picker':
        return {
          content: [
            {
              contentType: 'ListPicker',
              listPicker: { title: 'Pick a plan', sections: [{ items: [{ title: 'Basic' }, { title: 'Pro' }] }] },
            },
          ],
        };
      default:
        return {};
    }
  }

  /**
   * "Yes, No, Maybe later" → ['Yes', 'No', 'Maybe later'].
   * @param {string} text
   */
  function parseQuickReplies(text) {
    return text
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  }

  /**
   * Sends the chosen file as the agent (Web Messaging), read in the browser and posted as base64 JSON.
   * @param {File | null | undefined} file
   */
  function sendFile(file) {
    const chatId = state.selectedChatId;
    if (!chatId || !file) return;
    void act(
      `send ${file.name}`,
      async () => {
        const dataBase64 = await new Promise((resolve, reject) => {
          const reader = new FileReader();
          reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
          reader.onerror = () => reject(reader.error || new Error('the file could not be read'));
          reader.readAsDataURL(file);
        });
        await api('POST', `/control/chats/${encodeURIComponent(chatId)}/files`, {
          agentId: state.actingAgentId,
          filename: file.name,
          mime: file.type || 'application/octet-stream',
          dataBase64,
        });
        await loadDetail();
      },
      $('file-label'),
    );
  }

  /**
   * @param {string} chatId
   * @param {Disableable | null} button
   */
  function accept(chatId, button) {
    const agent = agentById(state.actingAgentId);
    void act(
      'accept the chat',
      async () => {
        if (!agent) throw new Error('pick the agent you act as first');
        await api('POST', `/control/chats/${encodeURIComponent(chatId)}/accept`, { agentId: agent.id });
        state.focusComposerFor = chatId;
        select(chatId);
      },
      button,
    );
  }

  function start() {
    wire();
    const fromHash = /^#chat=(.+)$/.exec(location.hash);
    if (fromHash) state.selectedChatId = decodeURIComponent(fromHash[1] ?? '');
    renderConversation();
    connect();
    setInterval(updateClocks, 1000);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
