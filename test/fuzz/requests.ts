import { dirname, resolve as resolvePath } from 'node:path';
import fc from 'fast-check';
import { Operation, resolve, Schema } from './openapi';

/** The fixtures the generated requests draw their valid-looking values from. */
export interface FuzzContext {
  customer: { id: string; email: string; password: string };
  otherCustomer: { id: string };
  /** A product with plenty of stock at 1 fen, and one with none. */
  sku: string;
  emptySku: string;
  couponCode: string;
  /** The customer's orders, another customer's order, a saga. */
  orderIds: string[];
  otherOrderId: string;
  sagaId: string;
  /** A nextCursor of GET /orders (the customer's) and of GET /admin/sagas. */
  orderCursor: string;
  sagaCursor: string;
}

/** Who sends a request: the customer, the operator, nobody, or a broken token of some kind. */
export type Auth = 'customer' | 'operator' | 'none' | BrokenAuth;
export const BROKEN_AUTH = [
  'not-a-jwt',
  'other-secret',
  'expired',
  'alg-none',
  'tampered-role',
  'no-scheme',
  'basic',
  'empty-bearer',
  'huge',
  'latin1',
] as const;
export type BrokenAuth = (typeof BROKEN_AUTH)[number];

export type Body = { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; contentType: string | null };

/** One generated request; `label` says how it was made (valid, or which mutation). */
export interface FuzzRequest {
  method: string;
  /** The path with its parameters filled in and the query string. */
  url: string;
  auth: Auth;
  headers: Record<string, string>;
  body?: Body;
  label: string;
}

/** Strings that must never reach a client; generated requests never contain them, so an answer that does leaked it. */
export const LEAK_MARKERS: readonly (string | RegExp)[] = [
  /\n\s*at \S/,
  /\bat [\w$.<>]+ \(/,
  /\bat .+\.[jt]s:\d+/,
  /\b\w*Error:/,
  // absolute paths of the checkout and of the directory around it
  resolvePath(__dirname, '..', '..'),
  `${dirname(resolvePath(__dirname, '..', '..'))}/`,
  'node_modules',
  'dist/apps',
  'SELECT ',
  'INSERT INTO',
  'QueryFailedError',
  'typeorm',
  'TypeORM',
  'postgres://',
  'postgresql://',
  'nats://',
  'redis://',
  '127.0.0.1',
  'localhost',
];

export function leaksIn(text: string, extra: readonly string[] = []): string[] {
  const found: string[] = [];
  for (const marker of [...LEAK_MARKERS, ...extra])
    if (typeof marker === 'string' ? text.includes(marker) : marker.test(text)) found.push(String(marker));
  return found;
}

const printable = (min: number, max: number) =>
  fc.string({
    unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
    minLength: min,
    maxLength: max,
  });
/** Characters a header value may carry (fetch refuses the rest, DEL included, before sending). */
const latin1 = (max: number) =>
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0xfe }).map((c) => String.fromCharCode(c === 0x7f ? 0xff : c)),
    maxLength: max,
  });

/** Hostile text: unicode of every plane, control characters, traversal, encodings, injections. */
const hostileText = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '../../etc/passwd',
    '..\\..\\windows',
    '%00',
    '\u0000',
    "' OR '1'='1",
    '"; DROP TABLE orders; --',
    '${jndi:ldap://x}',
    '{{7*7}}',
    '<script>alert(1)</script>',
    '龙井茶',
    '😀🍵',
    '\u202e\u200b',
    'NaN',
    'null',
    'undefined',
    '-1',
    '1e308',
    '0x10',
    'true',
    '[]',
    '{}',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer({ min: 1_000, max: 6_000 }).map((n) => 'x'.repeat(n)),
);

/** Values of the wrong type (or of the right type and absurd), for a field of any type. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, -0.0001, 1e308, -1e308, 2 ** 53, '', 'x', [], {}, [1, 2], { a: 1 }),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
  fc.double(),
  hostileText,
  fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.string()), { maxKeys: 4 }),
  fc.integer({ min: 10_000, max: 40_000 }).map((n) => 'y'.repeat(n)),
);

const EXTRA_FIELDS = [
  'price',
  'priceCents',
  'totalCents',
  'customerId',
  'status',
  'role',
  'id',
  'isAdmin',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  'items.0.sku',
  '$where',
];

/** A field name hint: values that mean something to the platform, as well as arbitrary ones. */
function hinted(
  name: string,
  schema: Schema,
  ctx: FuzzContext,
  operation: Operation,
): fc.Arbitrary<unknown> | undefined {
  if (name === 'sku' && operation.path === '/checkout')
    return fc.oneof(
      { weight: 3, arbitrary: fc.constant(ctx.sku) },
      fc.constant(ctx.emptySku),
      fc.stringMatching(new RegExp(schema.pattern ?? '^.{1,64}$')),
    );
  if (name === 'sku')
    return fc.oneof(
      fc.uuid().map((u) => `FZ-${u.slice(0, 8)}`),
      fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
    );
  if (name === 'couponCode') return fc.oneof(fc.constant(ctx.couponCode), fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/));
  if (name === 'code')
    return fc.oneof(
      fc.uuid().map((u) => `FZ${u.slice(0, 8)}`),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
    );
  if (name === 'email' && operation.path === '/auth/login')
    return fc.oneof(
      fc.constant(ctx.customer.email),
      fc.constant(ctx.customer.email.toUpperCase()),
      fc.emailAddress(),
      fc.string({ maxLength: 30 }),
    );
  if (name === 'email')
    return fc.oneof(
      fc.uuid().map((u) => `fz-${u}@zhongtai.test`),
      fc.emailAddress(),
    );
  if (name === 'password' && operation.path === '/auth/login')
    return fc.oneof(fc.constant(ctx.customer.password), fc.string({ maxLength: 30 }), printable(200, 300));
  if (name === 'reference') return fc.oneof(fc.uuid(), stringOf(schema));
  return undefined;
}

function stringOf(schema: Schema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? Math.max(min, 40);
  return fc.oneof(
    printable(min, min),
    printable(max, max),
    printable(min, Math.min(max, min + 40)),
    fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.min(max, min + 20) }),
  );
}

function numberOf(schema: Schema): fc.Arbitrary<number> {
  const min = schema.minimum ?? -1_000_000;
  const max = schema.maximum ?? 1_000_000;
  return fc.oneof(fc.constantFrom(min, max, Math.min(min + 1, max), Math.max(max - 1, min)), fc.integer({ min, max }));
}

/** A valid value of `schema`, at its boundaries as often as inside them; optional properties come and go. */
export function validValue(schema: Schema, ctx: FuzzContext, operation: Operation, name = ''): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  const hint = hinted(name, s, ctx, operation);
  if (hint) return hint;
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.type === 'string') {
    if (s.format === 'date-time')
      return fc
        .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
        .map((d) => d.toISOString());
    if (s.format === 'uuid') return fc.uuid();
    if (s.pattern) return fc.stringMatching(new RegExp(s.pattern));
    return stringOf(s);
  }
  if (s.type === 'number' || s.type === 'integer') return numberOf(s);
  if (s.type === 'boolean') return fc.boolean();
  if (s.type === 'array' && s.items) {
    const item = validValue(s.items, ctx, operation);
    const minLength = s.minItems ?? 0;
    const maxLength = Math.min(s.maxItems ?? 5, 50);
    const bySku = (value: unknown) => (value as { sku?: unknown } | null)?.sku ?? value;
    return fc.oneof(
      {
        weight: 4,
        arbitrary: fc.uniqueArray(item, { minLength, maxLength: Math.min(maxLength, minLength + 3), selector: bySku }),
      },
      fc.uniqueArray(item, { minLength: maxLength, maxLength, selector: bySku }),
    );
  }
  if (s.properties) {
    const record: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [key, property] of Object.entries(s.properties)) record[key] = validValue(property, ctx, operation, key);
    return fc.record(record, { requiredKeys: s.required ?? [] });
  }
  return fc.anything({ maxDepth: 2 });
}

/** Deeply nested JSON as text: arrays or objects `depth` levels down. */
function deepJson(depth: number, objects: boolean): string {
  return objects ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + ']'.repeat(depth);
}

/** A valid body changed into an invalid one, in one of many ways. */
export function mutatedBody(schema: Schema, valid: fc.Arbitrary<unknown>): fc.Arbitrary<{ body: Body; label: string }> {
  const s = resolve(schema);
  const required = s.required ?? [];
  const fields = Object.keys(s.properties ?? {});
  const json = (value: unknown, label: string) => ({ body: { kind: 'json' as const, value }, label });
  const raw = (text: string, contentType: string | null, label: string) => ({
    body: { kind: 'raw' as const, text, contentType },
    label,
  });
  const asObject = valid.map((v) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {}));
  const arbitraries: fc.Arbitrary<{ body: Body; label: string }>[] = [
    fc.constantFrom(null, [], 'text', 42, true, {}).map((v) => json(v, `body ${JSON.stringify(v)}`)),
    valid.map((v) => json([v], 'the valid body in an array')),
    fc
      .tuple(asObject, fc.constantFrom(...EXTRA_FIELDS, 'extra'), wrongValue)
      .map(([v, field, value]) => json({ ...v, [field]: value }, `extra field ${JSON.stringify(field)}`)),
    fc
      .tuple(asObject, fc.constantFrom(...EXTRA_FIELDS, 'extra'), wrongValue)
      .map(([v, field, value]) =>
        raw(
          `${JSON.stringify(v).slice(0, -1)},${JSON.stringify(field)}:${JSON.stringify(value) ?? 'null'}}`,
          'application/json',
          `raw extra field ${JSON.stringify(field)}`,
        ),
      ),
    fc
      .integer({ min: 1_000, max: 20_000 })
      .map((depth) => raw(deepJson(depth, depth % 2 === 0), 'application/json', `nesting ${depth} deep`)),
    fc
      .tuple(asObject, fc.constantFrom(...(fields.length ? fields : ['a'])), fc.integer({ min: 50, max: 5_000 }))
      .map(([v, field, depth]) =>
        raw(
          JSON.stringify({ ...v, [field]: null }).replace('null', deepJson(depth, depth % 2 === 1)),
          'application/json',
          `${field} nested ${depth} deep`,
        ),
      ),
    fc.integer({ min: 66_000, max: 200_000 }).map((n) => json({ note: 'z'.repeat(n) }, `huge body ${n}`)),
    fc
      .constantFrom(
        '',
        '{',
        '{"a":',
        'not json',
        '\u0000',
        '\ufeff{}',
        'null',
        '"string"',
        '[]',
        '{"a":NaN}',
        '{"a":1,}',
        "{'a':1}",
        '{"__proto__":{"isAdmin":true}}',
        '{"constructor":{"prototype":{"isAdmin":true}}}',
        '{"a":1}{"b":2}',
        '\ud800',
        '1'.repeat(400),
        '-',
        '{"a":"\\ud800"}',
      )
      .map((text) => raw(text, 'application/json', `non-JSON or odd JSON ${JSON.stringify(text.slice(0, 20))}`)),
    fc
      .tuple(
        valid,
        fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/xml',
          'multipart/form-data; boundary=x',
          'application/json; charset=utf-16',
          'application/json; charset=latin1',
          'application/vnd.api+json',
          null,
        ),
      )
      .map(([v, type]) => raw(JSON.stringify(v), type, `content-type ${type}`)),
    fc
      .constantFrom(
        'a=1&b=2',
        'items[0][sku]=X&items[0][quantity]=1',
        'a[b][c][d][e][f][g][h][i][j][k]=1',
        'a[]=1&a[]=2&a[1000]=3',
        '__proto__[x]=1',
      )
      .map((text) => raw(text, 'application/x-www-form-urlencoded', `form ${text}`)),
  ];
  if (required.length)
    arbitraries.push(
      fc.tuple(asObject, fc.constantFrom(...required)).map(([v, field]) => {
        const copy = { ...v };
        delete copy[field];
        return json(copy, `without required ${field}`);
      }),
    );
  if (fields.length)
    arbitraries.push(
      fc
        .tuple(asObject, fc.constantFrom(...fields), wrongValue)
        .map(([v, field, value]) => json({ ...v, [field]: value }, `${field} of a wrong type or value`)),
    );
  const arrays = Object.entries(s.properties ?? {}).filter(([, p]) => resolve(p).type === 'array');
  for (const [field, property] of arrays) {
    const items = resolve(resolve(property).items ?? {});
    const itemFields = Object.keys(items.properties ?? {});
    arbitraries.push(
      fc.tuple(asObject, wrongValue).map(([v, value]) => json({ ...v, [field]: [value] }, `${field}[0] wrong`)),
      fc
        .tuple(asObject, fc.integer({ min: 51, max: 2_000 }))
        .map(([v, n]) =>
          json(
            { ...v, [field]: Array.from({ length: n }, (_, i) => ({ sku: `S-${i}`, quantity: 1 })) },
            `${field} of ${n}`,
          ),
        ),
    );
    if (itemFields.length)
      arbitraries.push(
        fc.tuple(asObject, fc.constantFrom(...itemFields), wrongValue).map(([v, name, value]) => {
          const list = Array.isArray(v[field]) ? (v[field] as unknown[]) : [{}];
          const first = { ...(list[0] as Record<string, unknown>), [name]: value };
          return json({ ...v, [field]: [first, ...list.slice(1)] }, `${field}[0].${name} of a wrong type or value`);
        }),
      );
  }
  return fc.oneof(...arbitraries);
}

/** Values of one path parameter: the fixtures' real ids, valid-looking unknown ones, and hostile text. */
function pathValue(operation: Operation, name: string, ctx: FuzzContext): fc.Arbitrary<string> {
  const known =
    name === 'sku'
      ? [ctx.sku, ctx.emptySku]
      : operation.path.startsWith('/admin/customers')
        ? [ctx.customer.id, ctx.otherCustomer.id]
        : operation.path.startsWith('/admin/sagas')
          ? [ctx.sagaId]
          : [...ctx.orderIds, ctx.otherOrderId];
  const encoded = fc
    .oneof(
      fc.uuid(),
      fc.constantFrom('00000000-0000-0000-0000-000000000000', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'),
      fc.ulid(),
      fc.integer().map(String),
      fc.double().map(String),
      hostileText,
      fc.constantFrom(...known).map((id) => id.toUpperCase()),
      fc.constantFrom(...known).map((id) => `${id} `),
      fc.constantFrom(...known).map((id) => `${id}/..`),
    )
    .map(encodeURIComponent);
  // sent as they are: traversal, stray and malformed percent-escapes
  const verbatim = fc.constantFrom(
    '..',
    '%2e%2e',
    '..%2F..%2Fadmin%2Fstats',
    '%00',
    '%',
    '%%',
    '%zz',
    '%E0%A4%A',
    '%C0%AF',
    '%ED%A0%80',
    '%FF',
    ';',
    '%3B',
    '*',
    '~',
    "'",
    '%20',
    'a%2F..',
  );
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known) },
    { weight: 4, arbitrary: encoded },
    { weight: 2, arbitrary: verbatim },
  );
}

function queryString(operation: Operation, ctx: FuzzContext): fc.Arbitrary<string> {
  const params = operation.parameters.filter((p) => p.in === 'query');
  if (!params.length) return fc.constantFrom('', '', '?', '?x=1', '?limit=1', '?__proto__=1');
  const one = (p: (typeof params)[number]): fc.Arbitrary<string | null> => {
    const schema = resolve(p.schema ?? {});
    let values: fc.Arbitrary<string>;
    if (p.name === 'cursor')
      values = fc.oneof(
        fc.constant(operation.path === '/orders' ? ctx.orderCursor : ctx.sagaCursor),
        fc.string({ maxLength: 60 }),
        fc.string({ maxLength: 80 }).map((t) => Buffer.from(t).toString('base64url')),
        fc
          .tuple(fc.string({ maxLength: 30 }), fc.uuid())
          .map(([t, u]) => Buffer.from(`${t}|${u}`).toString('base64url')),
        hostileText,
      );
    else if (schema.enum) values = fc.oneof(fc.constantFrom(...schema.enum.map(String)), hostileText);
    else if (schema.type === 'number')
      values = fc.oneof(
        numberOf(schema).map(String),
        fc.constantFrom(
          '0',
          '101',
          '-1',
          '1.5',
          'abc',
          '',
          '1e308',
          '0x10',
          ' 5',
          'Infinity',
          'NaN',
          '99999999999999999999',
        ),
      );
    else values = fc.oneof(fc.constantFrom('checkout', 'CHECKOUT', 'unknown'), hostileText);
    return fc.option(
      values.map((v) => `${p.name}=${encodeURIComponent(v)}`),
      { nil: null, freq: 2 },
    );
  };
  return fc
    .tuple(
      fc.tuple(...params.map(one)),
      // a parameter given twice (limit=1&limit=2), one in bracket form (limit[]=1), or an unknown one
      fc.option(
        fc.constantFrom(
          ...params.flatMap((p) => [`${p.name}=1&${p.name}=2`, `${p.name}[]=1`, `${p.name}[a]=1`]),
          'unknown=1',
        ),
        { nil: null, freq: 3 },
      ),
    )
    .map(([parts, extra]) => {
      const all = [...parts, extra].filter((x): x is string => x !== null);
      return all.length ? `?${all.join('&')}` : '';
    });
}

function headerValues(operation: Operation): fc.Arbitrary<Record<string, string>> {
  const declared = operation.parameters.filter((p) => p.in === 'header');
  const parts: Record<string, fc.Arbitrary<string>> = {};
  for (const header of declared) {
    const name = header.name.toLowerCase();
    if (name === 'idempotency-key')
      parts[name] = fc.oneof(
        { weight: 6, arbitrary: fc.uuid() },
        printable(1, 1),
        printable(255, 255),
        printable(256, 300),
        latin1(40),
        fc.constantFrom('', ' ', '\t', 'key\twith tab', 'é'),
      );
    else if (name === 'prefer')
      parts[name] = fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: 0, max: 3 }).map((n) => `wait=${n}`) },
        fc.constantFrom(
          'wait=30',
          'wait=31',
          'wait=-1',
          'wait=abc',
          'wait=1.5',
          'wait=',
          'wait=1e9',
          'respond-async',
          'wait=1, respond-async',
          'return=minimal',
        ),
        latin1(30),
      );
    else parts[name] = latin1(40);
  }
  const required = declared.filter((h) => h.required).map((h) => h.name.toLowerCase());
  // A required header is left out now and then too: the operation must refuse that with a 4xx.
  return fc
    .tuple(fc.record(parts, { requiredKeys: [] }), fc.record(parts, { requiredKeys: required }), fc.nat(4))
    .map(([some, full, pick]) => (pick === 0 ? some : full) as Record<string, string>);
}

/** Requests for one operation: valid and mutated bodies, real and hostile parameters, every kind of caller. */
export function requestsFor(operation: Operation, ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const admin = operation.path.startsWith('/admin');
  const rightCaller: Auth = admin ? 'operator' : 'customer';
  const auth: fc.Arbitrary<Auth> = fc.oneof(
    { weight: 6, arbitrary: fc.constant(rightCaller) },
    { weight: 1, arbitrary: fc.constant<Auth>(admin ? 'customer' : 'operator') },
    { weight: 1, arbitrary: fc.constant<Auth>('none') },
    { weight: 2, arbitrary: fc.constantFrom<Auth>(...BROKEN_AUTH) },
  );
  const pathParams = operation.parameters.filter((p) => p.in === 'path');
  const path = fc
    .tuple(...pathParams.map((p) => pathValue(operation, p.name, ctx)))
    .map((values) => pathParams.reduce((url, p, i) => url.replace(`{${p.name}}`, values[i]), operation.path));
  let body: fc.Arbitrary<{ body?: Body; label: string }>;
  if (operation.body) {
    const valid = validValue(operation.body, ctx, operation);
    body = fc.oneof(
      { weight: 2, arbitrary: valid.map((value) => ({ body: { kind: 'json' as const, value }, label: 'valid body' })) },
      { weight: 3, arbitrary: mutatedBody(operation.body, valid) },
      { weight: 1, arbitrary: fc.constant({ label: 'no body' }) },
    );
  } else if (operation.method === 'POST') {
    // no body is documented: none, as documented, or one anyway
    body = fc.oneof(
      { weight: 3, arbitrary: fc.constant({ label: 'no body' }) },
      mutatedBody({ type: 'object', properties: {} }, fc.constant({})),
    );
  } else {
    body = fc.constant({ label: 'no body' });
  }
  return fc
    .record({ path, query: queryString(operation, ctx), auth, headers: headerValues(operation), body })
    .map(({ path: url, query, auth: caller, headers, body: b }): FuzzRequest => ({
      method: operation.method,
      url: `${url}${query}`,
      auth: caller,
      headers,
      ...(b.body ? { body: b.body } : {}),
      label: b.label,
    }))
    .filter((request) => leaksIn(JSON.stringify(request)).length === 0);
}
