import { splitMessage } from '../src/service-desk/split-message';

test('a message within the limit is one part', () => {
  expect(splitMessage('Hello there.', 20)).toEqual(['Hello there.']);
});

test('a long message is split where a sentence ends, not mid-sentence', () => {
  const first = 'The parcel was due on Monday. ';
  const second = 'It has not arrived and tracking shows nothing';
  const parts = splitMessage(first + second, 50);
  expect(parts).toEqual(['The parcel was due on Monday.', second]);
});

test('the last sentence end in the window wins; questions, exclamations and line breaks end sentences too', () => {
  expect(splitMessage('Is it lost? Please check! Then tell me what happens next with it', 40)).toEqual([
    'Is it lost? Please check!',
    'Then tell me what happens next with it',
  ]);
  expect(splitMessage('Order 1234 is the one I mean, sadly\nOrder 5678 arrived fine', 40)).toEqual([
    'Order 1234 is the one I mean, sadly',
    'Order 5678 arrived fine',
  ]);
});

test('without a sentence end in the second half, at the last space: words stay whole', () => {
  const text = 'one two three four five six seven eight nine ten eleven twelve';
  const parts = splitMessage(text, 30);
  for (const p of parts) expect(p.length).toBeLessThanOrEqual(30);
  expect(parts.join(' ')).toBe(text);
  expect(parts[0]).toBe('one two three four five six');
});

test('4,000 characters: every part fits, nothing is lost, and each part but the last ends a sentence', () => {
  const sentence = 'This sentence is part of a very long complaint about a parcel. ';
  const text = sentence.repeat(140).trim();
  const parts = splitMessage(text, 4000);
  expect(parts.length).toBe(3);
  for (const p of parts) expect(p.length).toBeLessThanOrEqual(4000);
  for (const p of parts.slice(0, -1)) expect(p.endsWith('parcel.')).toBe(true);
  expect(parts.join(' ')).toBe(text);
});

test('a word longer than half the limit is cut where it must be', () => {
  expect(splitMessage('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
});
