import { DemoLogin } from './login';

function memoryStorage() {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
}

/** A stand-in for the demo server's `POST /demo-login`: a new token per call. */
function server(status = 200) {
  const requests: unknown[] = [];
  const fetchImpl = (async (_url: string, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as { name: string; email: string };
    requests.push(body);
    const reply =
      status === 200
        ? { token: `token-${requests.length}`, expiresAt: 1_000, user: body }
        : { error: 'Enter an email address.' };
    return new Response(JSON.stringify(reply), { status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { fetchImpl, requests };
}

test('log in remembers the user; each identity token is fresh; log out forgets', async () => {
  const storage = memoryStorage();
  const s = server();
  const login = new DemoLogin(storage, s.fetchImpl);
  expect(login.user).toBeNull();
  await expect(login.identityToken()).rejects.toThrow('nobody is logged in');

  await login.logIn({ name: ' Jane ', email: 'jane@example.com ' });
  expect(s.requests).toEqual([{ name: 'Jane', email: 'jane@example.com' }]);
  expect(login.user).toEqual({ name: 'Jane', email: 'jane@example.com' });
  // A reload: a new DemoLogin over the same session storage still knows the user.
  const again = new DemoLogin(storage, s.fetchImpl);
  expect(await again.identityToken()).toBe('token-2');
  expect(await again.identityToken()).toBe('token-3');

  again.logOut();
  expect(login.user).toBeNull();
});

test('a refused login stores nothing and reports the server’s reason', async () => {
  const storage = memoryStorage();
  const login = new DemoLogin(storage, server(400).fetchImpl);
  await expect(login.logIn({ name: 'Jane', email: 'nope' })).rejects.toThrow('Enter an email address.');
  expect(login.user).toBeNull();
});

test('unreadable stored data counts as logged out', () => {
  const storage = memoryStorage();
  storage.setItem('genesys-handoff-demo.login', '{not json');
  expect(new DemoLogin(storage).user).toBeNull();
});
