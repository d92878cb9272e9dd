import { ArgumentMetadata, HttpStatus, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ProblemException } from './problem';

function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/** Keys class-transformer skips without a word, so whitelisting alone would never see them. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Deeper than any input of the API. Deeper input is refused before anything walks it: the
 * validator and class-transformer recurse, and JSON a few thousand levels deep overflowed
 * their stack (a 500).
 */
export const MAX_INPUT_DEPTH = 32;

/** At most this many offending fields are listed. */
const MAX_LISTED = 20;

/** A field path as it can be shown: a NUL in a key is written as an escape. */
const shown = (path: string) => path.split('\u0000').join('\\u0000');

/**
 * What must be refused before validating, found without recursion: input nested deeper than
 * MAX_INPUT_DEPTH, prototype keys, and text holding NUL, which no field of the API means and
 * which PostgreSQL refuses in text (the service answered 500, the gateway 502).
 */
function refusedFields(value: unknown, root: string): FieldError[] {
  const found: FieldError[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (stack.length > 0 && found.length < MAX_LISTED) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\u0000'))
        found.push({ field: shown(path), messages: [`${shown(path)} must not contain NUL`] });
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) {
      return [{ field: shown(path), messages: [`the input is nested more than ${MAX_INPUT_DEPTH} levels deep`] }];
    }
    for (const key of Object.keys(current)) {
      const field = path ? `${path}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key))
        found.push({ field: shown(field), messages: [`property ${shown(field)} should not exist`] });
      else if (key.includes('\u0000'))
        found.push({ field: shown(field), messages: [`property ${shown(field)} should not exist`] });
      stack.push({ value: (current as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
  return found;
}

/** Refuses what validation cannot be trusted with (see refusedFields), so that no unknown field is ever dropped silently. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const checked = metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param';
    const refused = checked ? refusedFields(value, metadata.data ?? '') : [];
    if (refused.length > 0) {
      throw new ProblemException(
        HttpStatus.BAD_REQUEST,
        'VALIDATION_FAILED',
        `Invalid fields: ${refused.map((e) => e.field).join(', ')}`,
        refused,
      );
    }
    return super.transform(value, metadata);
  }
}

/** Validates every input DTO; unknown fields are rejected, never silently dropped. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fields = fieldErrors(errors);
      const names = fields.map((f) => f.field).join(', ');
      return new ProblemException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', `Invalid fields: ${names}`, fields);
    },
  });
}
