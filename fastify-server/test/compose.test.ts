import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { parse } from 'yaml';
import { loadConfig } from '../src/config';
import { imageRuntime } from './image';

/**
 * No Docker engine runs here, so `docker compose up` itself is not exercised. What can be checked without one is:
 * the compose file parses, everything it builds or mounts exists, the middleware's environment is a valid
 * configuration with Redis and metrics on, and the load balancer and Prometheus point at the replicas' ports.
 */

const ROOT = resolve(__dirname, '../..');

interface Service {
  build?: { context: string; dockerfile: string };
  image?: string;
  deploy?: { replicas?: number };
  env_file?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
}

const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8')) as { services: Record<string, Service> };
const services = compose.services;
const middleware = services['middleware']!;
const env = {
  ...(parseEnv(readFileSync(join(ROOT, middleware.env_file!), 'utf8')) as Record<string, string>),
  ...middleware.environment,
};

it('builds from Dockerfiles in the repository, each with its .dockerignore, and mounts files that exist', () => {
  const built = Object.entries(services).filter(([, s]) => s.build);
  expect(built.map(([name]) => name).sort()).toEqual(['emulator', 'middleware']);
  for (const [, s] of built) {
    expect(s.build!.context).toBe('.');
    expect(existsSync(join(ROOT, s.build!.dockerfile))).toBe(true);
    expect(existsSync(join(ROOT, `${s.build!.dockerfile}.dockerignore`))).toBe(true);
  }
  for (const s of Object.values(services))
    for (const volume of s.volumes ?? []) expect(existsSync(join(ROOT, volume.split(':')[0]!))).toBe(true);
  // The emulator image compiles the package and runs what its bin runs (no tsx at run time).
  const emulatorDockerfile = readFileSync(join(ROOT, services['emulator']!.build!.dockerfile), 'utf8');
  const emulatorPackage = JSON.parse(readFileSync(join(ROOT, 'packages/emulator/package.json'), 'utf8')) as {
    bin: Record<string, string>;
  };
  expect(emulatorDockerfile).toMatch(/^RUN pnpm --filter genesys-handoff-emulator build$/m);
  expect(emulatorDockerfile).toMatch(/^CMD \["node", "dist\/cli\.js"\]$/m);
  expect(emulatorPackage.bin['genesys-handoff-emulator']).toBe('dist/cli.js');
  expect(existsSync(join(ROOT, 'packages/emulator/src/cli.ts'))).toBe(true);
});

it('runs three replicas whose environment is a valid configuration with Redis and metrics on', () => {
  expect(middleware.deploy?.replicas).toBe(3);
  const config = loadConfig({ env, dotenv: false });
  expect(config.redis?.url).toBe('redis://redis:6379/0');
  expect(config.metrics).toEqual({ host: '0.0.0.0', port: 9464 });
  expect(config.server).toMatchObject({ host: '0.0.0.0', port: 3000, trustProxy: 1 });
  expect(config.genesys.apiBaseUrl?.toString()).toBe('http://emulator:8787/');
  // Replicas publish nothing: clients come through the balancer, the scraper through the compose network.
  expect(middleware.ports).toBeUndefined();
  // The image's command is the one the production-start test runs.
  expect(imageRuntime().command).toContain('start.cjs');
  expect(Object.keys(middleware.depends_on as object).sort()).toEqual(['emulator', 'redis']);
});

it('puts the balancer in front of every replica and lets Prometheus scrape each metrics port', () => {
  const haproxy = readFileSync(join(ROOT, 'deploy/haproxy.cfg'), 'utf8');
  expect(haproxy).toMatch(
    new RegExp(
      `^\\s*server-template \\w+ ${middleware.deploy!.replicas} middleware:${env['PORT']} check resolvers docker`,
      'm',
    ),
  );
  expect(haproxy).toMatch(/^\s*http-check send meth GET uri \/healthz$/m);
  expect(services['balancer']!.ports).toEqual([`127.0.0.1:${env['PORT']}:3000`]);
  const prometheus = parse(readFileSync(join(ROOT, 'deploy/prometheus.yml'), 'utf8')) as {
    scrape_configs: Array<{ dns_sd_configs: Array<{ names: string[]; port: number }> }>;
  };
  expect(prometheus.scrape_configs[0]?.dns_sd_configs[0]).toMatchObject({
    names: ['middleware'],
    port: Number(env['METRICS_PORT']),
  });
  // Every published port is on the host's loopback only.
  for (const s of Object.values(services)) for (const p of s.ports ?? []) expect(p).toMatch(/^127\.0\.0\.1:/);
});
