import type { FastifyInstance, FastifyReply } from 'fastify';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

/** The agent console: a static page that drives the control API and listens on `/control/events`. */
export function consoleRoutes(app: FastifyInstance): void {
  const dir = join(__dirname, '..', 'console');
  app.get('/', async (_request, reply) => reply.redirect('/console/'));
  app.get('/console', async (_request, reply) => reply.redirect('/console/'));
  const serve = async (file: string, reply: FastifyReply) => {
    const type = FILES[file];
    if (!type) return reply.code(404).type('text/plain').send(`No console file ${file}`);
    return reply
      .type(type)
      .header('cache-control', 'no-cache')
      .send(await readFile(join(dir, file), 'utf8'));
  };
  app.get('/console/', async (_request, reply) => serve('index.html', reply));
  app.get<{ Params: { file: string } }>('/console/:file', async (request, reply) => serve(request.params.file, reply));
}
