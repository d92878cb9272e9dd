/**
 * The flash-sale gate's Lua scripts: every change of a count happens inside one of them, so
 * that concurrent gateways never interleave a read and a write of the same sku.
 *
 * Keys under the gate's prefix `g`:
 * - `g sku:<sku>` (hash): `units` that can still be promised, the product's `name` and `price`,
 *   and `v`, bumped by every give-back, so that a rebuild can tell one raced it;
 * - `g promise:<orderId>` (hash sku to quantity, expiring): what one order was promised;
 * - `g promised:<sku>` (sorted set of order ids by expiry): the promises a rebuild must weigh;
 * - `g restocked:<orderId>`: a refunded order's units came back once;
 * - `g skus` (set): the skus the gate keeps.
 */

/**
 * KEYS: promise, then per line its sku and promised keys. ARGV: order id, ttl ms, expiry ms,
 * then per line sku and quantity. Answers `promised` or `refused`, either with each line's name
 * and price; or `unknown` with the skus the gate holds no count for.
 */
export const PROMISE_STOCK = `
local lines = (#KEYS - 1) / 2
local unknown = {}
for i = 1, lines do
  if redis.call('HEXISTS', KEYS[2 * i], 'units') == 0 then unknown[#unknown + 1] = ARGV[2 + 2 * i] end
end
if #unknown > 0 then return {'unknown', unpack(unknown)} end
local enough = true
local catalogue = {}
for i = 1, lines do
  local product = redis.call('HMGET', KEYS[2 * i], 'units', 'name', 'price')
  if tonumber(product[1]) < tonumber(ARGV[3 + 2 * i]) then enough = false end
  catalogue[#catalogue + 1] = product[2]
  catalogue[#catalogue + 1] = product[3]
end
if not enough then return {'refused', unpack(catalogue)} end
for i = 1, lines do
  local quantity = tonumber(ARGV[3 + 2 * i])
  redis.call('HINCRBY', KEYS[2 * i], 'units', -quantity)
  redis.call('HSET', KEYS[1], ARGV[2 + 2 * i], quantity)
  redis.call('ZADD', KEYS[2 * i + 1], ARGV[3], ARGV[1])
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {'promised', unpack(catalogue)}
`;

/**
 * KEYS: promise. ARGV: gate prefix, order id, '1' to give the units back (the order was
 * cancelled or never placed) or '0' to keep them promised for good (the order was paid).
 * Answers 1 if the promise was there, 0 if it was settled already or has expired.
 */
export const SETTLE_PROMISE = `
local lines = redis.call('HGETALL', KEYS[1])
if #lines == 0 then return 0 end
redis.call('DEL', KEYS[1])
for i = 1, #lines, 2 do
  local sku = ARGV[1] .. 'sku:' .. lines[i]
  if ARGV[3] == '1' and redis.call('HEXISTS', sku, 'units') == 1 then
    redis.call('HINCRBY', sku, 'units', lines[i + 1])
    redis.call('HINCRBY', sku, 'v', 1)
  end
  redis.call('ZREM', ARGV[1] .. 'promised:' .. lines[i], ARGV[2])
end
return 1
`;

/**
 * A refunded order's units are on hand again. KEYS: restocked marker, promise. ARGV: gate
 * prefix, order id, marker ttl seconds, then per line sku and quantity. Answers 1 the first time.
 */
export const RESTOCK_REFUNDED = `
local lines = redis.call('HGETALL', KEYS[2])
redis.call('DEL', KEYS[2])
for i = 1, #lines, 2 do redis.call('ZREM', ARGV[1] .. 'promised:' .. lines[i], ARGV[2]) end
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[3]) then return 0 end
for i = 4, #ARGV, 2 do
  local sku = ARGV[1] .. 'sku:' .. ARGV[i]
  if redis.call('HEXISTS', sku, 'units') == 1 then
    redis.call('HINCRBY', sku, 'units', ARGV[i + 1])
    redis.call('HINCRBY', sku, 'v', 1)
  end
end
return 1
`;

/**
 * Sets a sku's count from the inventory database: its available stock less what is promised
 * to orders that hold no reservation yet (those that do are in `available` already).
 * KEYS: sku, promised, skus. ARGV: gate prefix, sku, the `v` read before the snapshot,
 * available, name, price, now ms, then the order ids that hold a reservation. Answers the
 * count, or -1 when a give-back came between the snapshot and now (the next round retries).
 */
export const REBUILD_COUNT = `
local seen = redis.call('HGET', KEYS[1], 'v')
if (seen or '') ~= ARGV[3] then return -1 end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[7])
local reserved = {}
for i = 8, #ARGV do reserved[ARGV[i]] = true end
local pending = 0
for _, order in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if not reserved[order] then
    local quantity = redis.call('HGET', ARGV[1] .. 'promise:' .. order, ARGV[2])
    if quantity then pending = pending + tonumber(quantity) else redis.call('ZREM', KEYS[2], order) end
  end
end
local units = math.max(0, tonumber(ARGV[4]) - pending)
redis.call('HSET', KEYS[1], 'units', units, 'name', ARGV[5], 'price', ARGV[6])
redis.call('SADD', KEYS[3], ARGV[2])
return units
`;
