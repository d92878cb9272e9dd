import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of docs/openapi.json (OpenAPI 3) that the fuzzer reads. */
export interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  method: string;
  path: string;
  /** `POST /checkout`: the name of the operation in test titles and reports. */
  key: string;
  parameters: Parameter[];
  /** The JSON request body's schema, if the operation takes one. */
  body?: Schema;
  secured: boolean;
  /** Per status code: the JSON schema of the answer, if the document gives one. */
  responses: Record<string, Schema | undefined>;
}

interface Document {
  paths: Record<string, Record<string, RawOperation>>;
  components: { schemas: Record<string, Schema> };
}

interface RawOperation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  security?: unknown[];
}

export const document: Document = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'docs', 'openapi.json'), 'utf8'),
) as Document;

/** Every operation of the document, in its order. */
export function operations(): Operation[] {
  const found: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const responses: Record<string, Schema | undefined> = {};
      for (const [status, response] of Object.entries(raw.responses))
        responses[status] = response.content?.['application/json']?.schema;
      found.push({
        method: method.toUpperCase(),
        path,
        key: `${method.toUpperCase()} ${path}`,
        parameters: raw.parameters ?? [],
        body: raw.requestBody?.content?.['application/json']?.schema,
        secured: (raw.security ?? []).length > 0,
        responses,
      });
    }
  }
  return found;
}

/** A schema with its `$ref` followed. */
export function resolve(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = document.components.schemas[name];
  if (!target) throw new Error(`docs/openapi.json: no schema ${name}`);
  return resolve(target);
}

/**
 * Where `value` misses what `schema` requires: every required property present (and not null
 * unless nullable), objects where objects are described and arrays where arrays are, down the
 * tree. Returns the paths of the violations (none if it conforms).
 */
export function requiredFieldViolations(schema: Schema, value: unknown, at = '$'): string[] {
  const s = resolve(schema);
  if (value === null) return s.nullable ? [] : [`${at} is null`];
  if (s.type === 'array' || s.items) {
    if (!Array.isArray(value)) return [`${at} is not an array`];
    return s.items ? value.flatMap((item, i) => requiredFieldViolations(s.items!, item, `${at}[${i}]`)) : [];
  }
  if (s.type === 'object' || s.properties) {
    if (typeof value !== 'object' || Array.isArray(value)) return [`${at} is not an object`];
    const record = value as Record<string, unknown>;
    const violations: string[] = [];
    for (const name of s.required ?? []) if (record[name] === undefined) violations.push(`${at}.${name} is missing`);
    for (const [name, property] of Object.entries(s.properties ?? {}))
      if (record[name] !== undefined)
        violations.push(...requiredFieldViolations(property, record[name], `${at}.${name}`));
    return violations;
  }
  return [];
}

/**
 * The operation a request actually reaches: an empty or traversing path parameter can make
 * `/products/{sku}` arrive as `/products` (trailing slashes do not count), which answers
 * with the list. Undefined if no operation of the document matches.
 */
export function operationReached(all: readonly Operation[], method: string, url: string): Operation | undefined {
  const pathname = new URL(url, 'http://gateway').pathname.replace(/\/+$/, '') || '/';
  return all.find((operation) => {
    if (operation.method !== method) return false;
    const pattern = operation.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+');
    return new RegExp(`^${pattern}$`).test(pathname);
  });
}
