import { decodeCursor, encodeCursor } from './keyset-cursor';

const id = '7f1c0a52-31a8-4c4e-9a53-0f3c5a7d9e11';
const raw = (text: string) => Buffer.from(text).toString('base64url');

describe('keyset cursors', () => {
  it('round-trips PostgreSQL timestamp text with microseconds', () => {
    const cursor = encodeCursor('2026-11-25 08:16:08.534123+00', id);
    expect(decodeCursor(cursor)).toEqual({ createdAt: '2026-11-25 08:16:08.534123+00', id });
  });

  it.each([
    ['2026-11-25 08:16:08+00'],
    ['2026-11-25 08:16:08.5-08'],
    ['1999-12-31 23:59:59.999999+05:30'],
    ['2024-02-29 00:00:00+00'],
  ])('round-trips %s', (createdAt) => {
    expect(decodeCursor(encodeCursor(createdAt, id))).toEqual({ createdAt, id });
    expect(decodeCursor(encodeCursor(createdAt, id.toUpperCase()))).toEqual({ createdAt, id: id.toUpperCase() });
  });

  it.each([
    ['a date that does not exist', raw(`2026-13-45 99:99:99.000000+00|${id}`)],
    ['February 30th', raw(`2026-02-30 10:00:00+00|${id}`)],
    ['a 13th month on a day and time that exist', raw(`2026-13-15 10:00:00+00|${id}`)],
    ['a second 60, which PostgreSQL never writes', raw(`2026-11-25 08:16:60+00|${id}`)],
    ['a year before 100, which Date.UTC would move to the 1900s', raw(`0050-06-15 10:00:00+00|${id}`)],
    ['hour 24', raw(`2026-11-25 24:00:00+00|${id}`)],
    ['minute 60', raw(`2026-11-25 08:60:00+00|${id}`)],
    ['an id that is not a UUID', raw('2026-11-25 08:16:08+00|42')],
    ['extra parts', raw(`2026-11-25 08:16:08+00|${id}|x`)],
    ['no separator', raw('hello')],
    ['not base64 of anything', '!!!'],
  ])('refuses %s', (_case, cursor) => {
    expect(decodeCursor(cursor)).toBeUndefined();
  });

  it('keys on any id its caller accepts, `|` included, and refuses one it does not', () => {
    const isReference = (reference: string) => reference.length > 0 && reference.length <= 8;
    const createdAt = '2026-11-25 08:16:08+00';
    expect(decodeCursor(encodeCursor(createdAt, 'a|b'), isReference)).toEqual({ createdAt, id: 'a|b' });
    expect(decodeCursor(encodeCursor(createdAt, 'too-long-a-reference'), isReference)).toBeUndefined();
    expect(decodeCursor(encodeCursor(createdAt, ''), isReference)).toBeUndefined();
    expect(decodeCursor(raw('hello'), () => true)).toBeUndefined();
    // No separator: not a timestamp with its last character taken for the id.
    expect(decodeCursor(raw(`${createdAt}x`), () => true)).toBeUndefined();
    expect(decodeCursor(encodeCursor(createdAt, id), isReference)).toBeUndefined();
  });
});
