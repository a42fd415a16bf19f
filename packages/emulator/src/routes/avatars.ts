import type { FastifyInstance } from 'fastify';
import type { ChatEngine } from '../chat-engine';

const COLOURS = ['#0f62fe', '#8a3ffc', '#007d79', '#d02670', '#ba4e00', '#198038'];

/** Default agent avatars: an SVG with the agent's initials, so nothing is fetched from outside. */
export function avatarRoutes(app: FastifyInstance, engine: ChatEngine): void {
  app.get<{ Params: { file: string } }>('/avatars/:file', async (request, reply) => {
    const id = request.params.file.replace(/\.svg$/, '');
    const agent = engine.agents.get(id);
    const name = agent?.name ?? '?';
    const initials = name
      .split(/\s+/)
      .map((w) => w[0] ?? '')
      .join('')
      .slice(0, 2)
      .toUpperCase();
    const colour = COLOURS[[...id].reduce((n, ch) => n + ch.charCodeAt(0), 0) % COLOURS.length];
    const text = initials.replace(/[<>&"']/g, '');
    return reply
      .type('image/svg+xml')
      .header('cache-control', 'public, max-age=3600')
      .send(
        `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96"><circle cx="48" cy="48" r="48" fill="${colour}"/><text x="48" y="60" font-family="Arial, sans-serif" font-size="36" fill="#fff" text-anchor="middle">${text}</text></svg>`,
      );
  });
}
