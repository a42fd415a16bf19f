import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createGenesysServiceDeskFactory } from '../src';
import { RecordingCallback } from './recording-callback';

// A full garbage collection on demand, to see whether anything still holds a desk.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

test('a factory does not keep the desks its host has let go of', async () => {
  const factory = createGenesysServiceDeskFactory({
    channel: 'web-messaging',
    deploymentId: 'deployment',
    genesysEnvironment: 'example.invalid',
    host: 'carbon',
    pageEvents: new EventTarget(),
  });
  const refs: Array<WeakRef<object>> = [];
  for (let i = 0; i < 3; i++) refs.push(new WeakRef(await factory({ callback: new RecordingCallback() })));
  // WeakRefs made in a task are kept until it ends; the collection runs in a later one.
  await nextTask();
  gc();
  await nextTask();
  gc();
  expect(refs.map((r) => r.deref() === undefined)).toEqual([true, true, true]);
  // The factory still works, and signing out with no chat ends none.
  await expect(factory.logOut()).resolves.toBe(false);
});
