/**
 * Opaque cursors for newest-first keyset paging over (created_at, id), base64url. The
 * timestamp is PostgreSQL's own text of created_at (`created_at::text`), which keeps the
 * microseconds a JavaScript Date would drop and so never skips rows of the same millisecond.
 * The id is the row's unique key: a UUID by default, or any text a caller's `isId` accepts
 * (it may hold `|`: the timestamp has none, so it ends at the first).
 */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`).toString('base64url');
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?([+-]\d{2}(:\d{2})?)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The cursor's parts, or undefined for anything a client made up (answer that with a 400). */
export function decodeCursor(
  cursor: string,
  isId: (id: string) => boolean = (id) => UUID.test(id),
): { createdAt: string; id: string } | undefined {
  const text = Buffer.from(cursor, 'base64url').toString();
  const bar = text.indexOf('|');
  const createdAt = text.slice(0, bar);
  const id = text.slice(bar + 1);
  const parts = bar < 0 ? null : TIMESTAMP.exec(createdAt);
  if (!parts || !isId(id)) return undefined;
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const real =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute;
  return real ? { createdAt, id } : undefined;
}
