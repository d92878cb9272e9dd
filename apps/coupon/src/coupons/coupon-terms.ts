import type { CreateCouponRequest } from '@zhongtai/contracts';
import type { FieldError } from '@zhongtai/platform';

/** The largest share a PERCENT coupon may take: the whole subtotal. */
export const MAX_PERCENT = 100;

/** A new coupon's validity window, parsed. */
export interface ValidityWindow {
  validFrom: Date;
  validUntil: Date;
}

export type TermsCheck = { ok: true; window: ValidityWindow } | { ok: false; errors: FieldError[] };

/**
 * The rules of a new coupon that span several fields, which the DTO's per-field decorators
 * cannot say: a PERCENT value of at most 100, and a window that parses and is not empty.
 * (An ISO 8601 string such as a week date `2026-W01` passes the format check but is no instant.)
 */
export function checkTerms(request: CreateCouponRequest): TermsCheck {
  const errors: FieldError[] = [];
  if (request.kind === 'PERCENT' && request.value > MAX_PERCENT) {
    errors.push({ field: 'value', messages: [`a PERCENT coupon takes 1 to ${MAX_PERCENT} per cent`] });
  }
  const validFrom = new Date(request.validFrom);
  const validUntil = new Date(request.validUntil);
  const unreadable = (date: Date) => Number.isNaN(date.getTime());
  if (unreadable(validFrom)) errors.push({ field: 'validFrom', messages: ['validFrom must be a date and time'] });
  if (unreadable(validUntil)) errors.push({ field: 'validUntil', messages: ['validUntil must be a date and time'] });
  if (!unreadable(validFrom) && !unreadable(validUntil) && validFrom >= validUntil) {
    errors.push({ field: 'validUntil', messages: ['validUntil must be later than validFrom'] });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, window: { validFrom, validUntil } };
}
