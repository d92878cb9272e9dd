/**
 * Opaque cursors for newest-first keyset paging over (created_at, id), base64url. The
 * timestamp is PostgreSQL's own text of created_at (`created_at::text`), which keeps the
 * microseconds a JavaScript Date would drop and so never skips rows of the same millisecond.
 */
export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`).toString('base64url');
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?([+-]\d{2}(:\d{2})?)$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The cursor's parts, or undefined for anything a client made up (answer that with a 400). */
export function decodeCursor(cursor: string): { createdAt: string; id: string } | undefined {
  const [createdAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
  const parts = createdAt === undefined ? null : TIMESTAMP.exec(createdAt);
  if (!parts || !id || rest.length > 0 || !UUID.test(id)) return undefined;
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
