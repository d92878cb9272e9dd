import { decodeCursor, encodeCursor } from './keyset-cursor';

const id = '7f1c0a52-31a8-4c4e-9a53-0f3c5a7d9e11';
const raw = (text: string) => Buffer.from(text).toString('base64url');

describe('keyset cursors', () => {
  it('round-trips PostgreSQL timestamp text with microseconds', () => {
    const cursor = encodeCursor('2026-11-25 08:16:08.534123+00', id);
    expect(decodeCursor(cursor)).toEqual({ createdAt: '2026-11-25 08:16:08.534123+00', id });
  });

  it.each([
    ['a date that does not exist', raw(`2026-13-45 99:99:99.000000+00|${id}`)],
    ['February 30th', raw(`2026-02-30 10:00:00+00|${id}`)],
    ['an id that is not a UUID', raw('2026-11-25 08:16:08+00|42')],
    ['extra parts', raw(`2026-11-25 08:16:08+00|${id}|x`)],
    ['no separator', raw('hello')],
    ['not base64 of anything', '!!!'],
  ])('refuses %s', (_case, cursor) => {
    expect(decodeCursor(cursor)).toBeUndefined();
  });
});
