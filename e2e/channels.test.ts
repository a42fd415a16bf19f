import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ALSO_ON_GUEST_CHAT, CHANNELS, LIVE_CHANNEL, chosenChannels, runsOn } from './channels';

/** The list of flows that run on both channels, checked without a browser: every name is a flow of its file. */

const flowFiles = readdirSync(__dirname).filter((f) => f.endsWith('.e2e.test.ts'));

describe('ALSO_ON_GUEST_CHAT', () => {
  test.each(Object.entries(ALSO_ON_GUEST_CHAT))(
    '%s: every name is a flow the file declares, with a reason',
    (file, flows) => {
      expect(flowFiles).toContain(`${file}.e2e.test.ts`);
      const source = readFileSync(join(__dirname, `${file}.e2e.test.ts`), 'utf8');
      for (const [name, reason] of Object.entries(flows)) {
        expect({ name, declared: source.includes(`'${name}'`) }).toEqual({ name, declared: true });
        expect(reason.length).toBeGreaterThan(20);
      }
    },
  );

  test('the live channel runs every flow; guest chat only the named ones', () => {
    const [file, flows] = Object.entries(ALSO_ON_GUEST_CHAT)[0]!;
    const named = Object.keys(flows)[0]!;
    expect(runsOn(LIVE_CHANNEL, file, 'a flow named nowhere')).toBe(true);
    expect(runsOn('guest-chat', file, named)).toBe(true);
    expect(runsOn('guest-chat', file, 'a flow named nowhere')).toBe(false);
    expect(runsOn('guest-chat', 'phone', named)).toBe(false);
  });
});

describe('E2E_CHANNELS', () => {
  test('unset: both channels; a list: those named, in the usual order; an unknown name is refused by name', () => {
    expect(chosenChannels(undefined)).toEqual(CHANNELS);
    expect(chosenChannels('guest-chat')).toEqual(['guest-chat']);
    expect(chosenChannels('guest-chat, web-messaging')).toEqual(['web-messaging', 'guest-chat']);
    expect(() => chosenChannels('web-messaging,webchat')).toThrow(
      'E2E_CHANNELS names no channel: webchat (web-messaging, guest-chat)',
    );
  });
});
