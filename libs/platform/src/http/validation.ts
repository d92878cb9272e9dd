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

function prototypeKeys(value: unknown, path = ''): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.keys(value).flatMap((key) => {
    const field = path ? `${path}.${key}` : key;
    const own = PROTOTYPE_KEYS.has(key) ? [field] : [];
    return [...own, ...prototypeKeys((value as Record<string, unknown>)[key], field)];
  });
}

/** Rejects prototype keys before validating, so that no unknown field is ever dropped silently. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const forbidden = metadata.type === 'body' ? prototypeKeys(value) : [];
    if (forbidden.length > 0) {
      const errors = forbidden.map((field) => ({ field, messages: [`property ${field} should not exist`] }));
      throw new ProblemException(
        HttpStatus.BAD_REQUEST,
        'VALIDATION_FAILED',
        `Invalid fields: ${forbidden.join(', ')}`,
        errors,
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
