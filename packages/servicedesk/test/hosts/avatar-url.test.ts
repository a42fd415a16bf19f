import { carbonAdapter, watsonxAdapter } from '../../src/hosts/host-adapter';
import { safeAvatarUrl } from '../../src/hosts/avatar-url';

const HTTPS_PAGE = 'https://shop.example/help';
const LOCAL_PAGE = 'http://127.0.0.1:5173/';

describe('agent pictures: only what cannot run anything, track off-site or downgrade the page', () => {
  test.each([
    ['https anywhere', 'https://cdn.example/a.png', HTTPS_PAGE, 'https://cdn.example/a.png'],
    ['https on a local page', 'https://cdn.example/a.png', LOCAL_PAGE, 'https://cdn.example/a.png'],
    [
      'the emulator on a local page',
      'http://127.0.0.1:8787/avatars/a.svg',
      LOCAL_PAGE,
      'http://127.0.0.1:8787/avatars/a.svg',
    ],
    [
      'localhost on a local page',
      'http://localhost:8787/a.svg',
      'http://localhost:5173/',
      'http://localhost:8787/a.svg',
    ],
    ['loopback without a page (no browser)', 'http://[::1]:8787/a.svg', undefined, 'http://[::1]:8787/a.svg'],
  ])('accepted: %s', (_what, url, page, expected) => {
    expect(safeAvatarUrl(url, page)).toBe(expected);
  });

  test.each([
    ['javascript:', 'javascript:alert(1)', LOCAL_PAGE],
    ['data: SVG', 'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', LOCAL_PAGE],
    ['data: PNG', 'data:image/png;base64,iVBORw0KGgo=', HTTPS_PAGE],
    ['off-site http on an https page', 'http://tracker.example/p.gif', HTTPS_PAGE],
    ['off-site http on a local page', 'http://tracker.example/p.gif', LOCAL_PAGE],
    ['loopback http on an https page (mixed content)', 'http://127.0.0.1:8787/a.svg', HTTPS_PAGE],
    ['blob:', 'blob:https://shop.example/1234', HTTPS_PAGE],
    ['relative', '/avatars/a.svg', HTTPS_PAGE],
    ['not a URL', 'not a url', HTTPS_PAGE],
    ['empty', '', HTTPS_PAGE],
  ])('refused: %s', (_what, url, page) => {
    expect(safeAvatarUrl(url, page)).toBeUndefined();
  });

  test('both hosts leave a refused picture out of the profile, so the host shows the initial', () => {
    const agent = { id: 'm1', nickname: 'Alex Agent', avatarUrl: 'javascript:alert(1)' };
    expect(carbonAdapter.profile(agent)).toEqual({ id: 'm1', nickname: 'Alex Agent', user_type: 'human' });
    expect(watsonxAdapter.profile(agent)).toEqual({ id: 'm1', nickname: 'Alex Agent' });
    const safe = { ...agent, avatarUrl: 'https://cdn.example/a.png' };
    expect(carbonAdapter.profile(safe)).toMatchObject({ profile_picture_url: 'https://cdn.example/a.png' });
    expect(watsonxAdapter.profile(safe)).toMatchObject({ profile_picture_url: 'https://cdn.example/a.png' });
  });
});
