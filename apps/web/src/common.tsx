import { FormEvent, ReactNode, useEffect, useRef, useState } from 'react';
import { ApiError } from './api';
import { useI18n } from './i18n';

export function useMoney(): (cents: number) => string {
  const { locale } = useI18n();
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: 'CNY', currencyDisplay: 'narrowSymbol' });
  return (cents) => format.format(cents / 100);
}

export function useDate(): (iso: string) => string {
  const { locale } = useI18n();
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
  return (iso) => format.format(new Date(iso));
}

/**
 * Loads `load()` now and every `everyMs` while `keepGoing(value)` says so (live figures, an
 * order followed until it is final); `reload` loads again at once.
 */
export function usePoll<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: unknown[],
  everyMs?: number,
  keepGoing: (value: T) => boolean = () => true,
): { value?: T; error?: ApiError; reload: () => void } {
  const [state, setState] = useState<{ value?: T; error?: ApiError }>({});
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const keepRef = useRef(keepGoing);
  keepRef.current = keepGoing;
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = () => {
      loadRef.current(abort.signal).then(
        (value) => {
          if (abort.signal.aborted) return;
          setState({ value });
          if (everyMs && keepRef.current(value)) timer = setTimeout(run, everyMs);
        },
        (error: unknown) => {
          if (abort.signal.aborted) return;
          setState((s) => ({
            value: s.value,
            error: error instanceof ApiError ? error : new ApiError(0, 'ERROR', String(error)),
          }));
          if (everyMs) timer = setTimeout(run, everyMs * 2);
        },
      );
    };
    run();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [...deps, tick, everyMs]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}

/** The page's heading, focused when the page changes, so that a screen reader announces it. */
export function PageTitle({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
    if (typeof children === 'string') document.title = children;
  }, [children]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

export function ErrorNote({ error, onRetry }: { error?: ApiError | null; onRetry?: () => void }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {error.network ? t('payFailedNetwork') : error.detail}{' '}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('retry')}
        </button>
      )}
    </p>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="muted" role="status">
      {t('loading')}
    </p>
  );
}

/**
 * The sign-in form of both pages: `signIn` tries the email and password and answers the
 * message to show, or null once signed in.
 */
export function SignInForm({
  title,
  signIn,
}: {
  title: string;
  signIn: (email: string, password: string) => Promise<string | null>;
}) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      setError(await signIn(String(form.get('email')), String(form.get('password'))));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="narrow">
      <PageTitle>{title}</PageTitle>
      <form onSubmit={submit} className="stack">
        <label>
          {t('email')}
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          {t('password')}
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('signIn')}
        </button>
      </form>
    </section>
  );
}
