import type { ChatEngine } from './chat-engine';

/**
 * The automatic agent (`autoAgent` setting): accepts every queued chat after a delay, greets, and answers each guest
 * message after showing typing. For demos without a person at the console, and for load runs.
 */
export function attachAutoAgent(engine: ChatEngine): void {
  const s = () => engine.settings.autoAgent;
  const agentId = () => s().agentId ?? [...engine.agents.keys()][0];
  const isMine = (agent: string | undefined) => s().enabled && agent !== undefined && agent === agentId();

  engine.on('queued', (c) => {
    if (!s().enabled) return;
    engine.later(s().acceptDelayMs, () => {
      const id = agentId();
      if (c.phase === 'queued' && id) engine.accept(c, id);
    });
  });

  engine.on('connected', (c) => {
    const agent = c.agentMember;
    if (!isMine(agent?.agentId) || !agent) return;
    engine.later(300, () => engine.agentMessage(c, s().greeting.replace('{name}', agent.displayName), 'standard'));
  });

  engine.on('guestMessage', (c, m) => {
    if (!isMine(c.agentMember?.agentId) || m.bodyType !== 'standard') return;
    engine.later(Math.min(200, s().replyDelayMs), () => engine.agentTyping(c));
    engine.later(s().replyDelayMs, () =>
      engine.agentMessage(c, `You said: "${m.body}". An agent would answer here.`, 'standard'),
    );
  });
}
