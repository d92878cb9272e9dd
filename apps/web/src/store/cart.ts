import { useSyncExternalStore } from 'react';

/** The cart: sku to quantity, kept in localStorage so that it survives reloads (and is shared by tabs). */
export type Cart = Record<string, number>;

const KEY = 'zt.cart';
const listeners = new Set<() => void>();
let cached: { raw: string | null; cart: Cart } = { raw: null, cart: {} };

function read(): Cart {
  const raw = localStorage.getItem(KEY);
  if (raw !== cached.raw) {
    let cart: Cart = {};
    try {
      const parsed = JSON.parse(raw ?? '{}') as unknown;
      if (parsed && typeof parsed === 'object')
        cart = Object.fromEntries(
          Object.entries(parsed as Record<string, unknown>).filter(
            (e): e is [string, number] => Number.isInteger(e[1]) && (e[1] as number) > 0,
          ),
        );
    } catch {
      // a damaged cart is an empty one
    }
    cached = { raw, cart };
  }
  return cached.cart;
}

function write(cart: Cart): void {
  localStorage.setItem(KEY, JSON.stringify(cart));
  listeners.forEach((l) => l());
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  const onStorage = (e: StorageEvent) => e.key === KEY && listener();
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
};

export function useCart(): Cart {
  return useSyncExternalStore(subscribe, read);
}

export const cartActions = {
  add(sku: string, quantity = 1) {
    const cart = read();
    write({ ...cart, [sku]: Math.min(999, (cart[sku] ?? 0) + quantity) });
  },
  set(sku: string, quantity: number) {
    const next = { ...read() };
    if (quantity > 0) next[sku] = Math.min(999, Math.floor(quantity));
    else delete next[sku];
    write(next);
  },
  clear() {
    write({});
  },
};

export function cartLines(cart: Cart): { sku: string; quantity: number }[] {
  return Object.entries(cart)
    .map(([sku, quantity]) => ({ sku, quantity }))
    .sort((a, b) => a.sku.localeCompare(b.sku));
}

/**
 * One checkout attempt: its Idempotency-Key and the body it was made for. Kept until the
 * attempt has an answer, and across reloads: a retry after a network error, a double click or
 * a reload in the middle sends the same key with the same body, so the gateway answers with the
 * one order it placed. A different body (the cart or the coupon changed) is a new attempt.
 */
export interface Attempt {
  key: string;
  body: string;
}

const ATTEMPT = 'zt.checkout-attempt';

export function attemptFor(body: string): Attempt {
  try {
    const stored = JSON.parse(localStorage.getItem(ATTEMPT) ?? 'null') as Attempt | null;
    if (stored && stored.body === body) return stored;
  } catch {
    // a new attempt
  }
  const attempt = { key: newKey(), body };
  localStorage.setItem(ATTEMPT, JSON.stringify(attempt));
  return attempt;
}

export function endAttempt(): void {
  localStorage.removeItem(ATTEMPT);
}

/** A random UUID; crypto.randomUUID exists only in secure contexts (https, localhost). */
function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
