import { encodeCursor } from '@zhongtai/saga';
import { decodeAdjustmentCursor } from './stock-adjustment-history';

describe('stock adjustment cursors', () => {
  it('give back PostgreSQL’s timestamp text and the reference, whatever characters it holds', () => {
    for (const reference of ['adj-1', 'a|b|c', '调整 #7', ' ']) {
      const createdAt = '2026-12-03 09:40:01.123456+00';
      expect(decodeAdjustmentCursor(encodeCursor(createdAt, reference))).toEqual({ createdAt, id: reference });
    }
    expect(decodeAdjustmentCursor(encodeCursor('2026-02-28 23:59:59+05:30', 'r'))).toEqual({
      createdAt: '2026-02-28 23:59:59+05:30',
      id: 'r',
    });
  });

  it('refuse what a client made up: no separator, no reference, a moment that does not exist, a reference too long', () => {
    const forged = (text: string) => Buffer.from(text).toString('base64url');
    for (const cursor of [
      'not-a-cursor',
      forged('2026-12-03 09:40:01+00'),
      forged('2026-12-03 09:40:01+00|'),
      forged('2026-13-03 09:40:01+00|r'),
      forged('2026-02-30 09:40:01+00|r'),
      forged('2026-12-03 24:00:00+00|r'),
      forged('2026-12-03T09:40:01Z|r'),
      forged(`2026-12-03 09:40:01+00|${'r'.repeat(201)}`),
      forged("1' OR '1'='1|r"),
    ]) {
      expect({ cursor, decoded: decodeAdjustmentCursor(cursor) }).toEqual({ cursor, decoded: undefined });
    }
  });
});
