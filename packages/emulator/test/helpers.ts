import { chromium, type Browser } from 'playwright-core';
import type { RunningEmulator } from '../src';

/** Test helpers for both channels: the control API, SDK rejections, frame waits, and the test browser. */

/**
 * Resolves once `count` of the recorded `frames` satisfy `pred` (`waiters` are called after each new frame);
 * rejects after `timeoutMs` with `seen()`.
 */
export function waitForFrames<T>(
  frames: T[],
  waiters: Array<() => void>,
  pred: (f: T) => boolean,
  count: number,
  timeoutMs: number,
  seen: () => string,
): Promise<T[]> {
  const matches = () => frames.filter(pred);
  if (matches().length >= count) return Promise.resolve(matches());
  return new Promise((resolve, reject) => {
    const stop = () => {
      const i = waiters.indexOf(check);
      if (i >= 0) waiters.splice(i, 1);
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for ${count} frame(s); saw:\n${seen()}`));
    }, timeoutMs);
    const check = () => {
      if (matches().length < count) return;
      clearTimeout(timer);
      stop();
      resolve(matches());
    };
    waiters.push(check);
  });
}
/** JSON call to the emulator's control API. */
export async function control<T = unknown>(
  emu: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${emu.controlUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** The error body a Genesys SDK call rejected with (the SDK rejects with the parsed ErrorBody). */
export async function rejection(p: Promise<unknown>): Promise<{
  status: number;
  code: string;
  message: string;
  messageParams?: Record<string, string>;
  contextId: string;
}> {
  try {
    await p;
  } catch (e) {
    return e as never;
  }
  throw new Error('expected the call to fail, it succeeded');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Debian's Chromium (or `CHROMIUM_PATH`), headless, with nothing that phones home (docs/webchat-hosts.md, "Browser tests"). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
