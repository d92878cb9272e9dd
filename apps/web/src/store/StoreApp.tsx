import { ReactNode, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import {
  ApiError,
  get,
  onSessionChange,
  Order,
  Page,
  Product,
  Quote,
  request,
  session,
  signIn,
  signOut,
  WalletEntry,
} from '../api';
import { ErrorNote, Loading, PageTitle, SignInForm, useDate, useMoney, usePoll } from '../common';
import { dynamicKey, LanguageSwitch, useI18n } from '../i18n';
import { Link, match, navigate } from '../router';
import { attemptFor, cartActions, cartLines, endAttempt, useCart } from './cart';

const FINAL = ['PAID', 'CANCELLED', 'REFUNDED'];

function useCustomer() {
  return useSyncExternalStore(onSessionChange, () => session('customer')?.email ?? null);
}

export function StoreApp({ path }: { path: string }) {
  const { t } = useI18n();
  const customer = useCustomer();
  const cart = useCart();
  const count = Object.values(cart).reduce((a, b) => a + b, 0);
  let page: ReactNode;
  let params: Record<string, string> | null;
  const needsCustomer = (node: ReactNode) => (customer ? node : <SignIn next={path} />);
  if (match('/', path)) page = <Catalogue />;
  else if ((params = match('/item/:sku', path))) page = <ProductPage sku={params.sku} />;
  else if (match('/cart', path)) page = <CartPage />;
  else if (match('/signin', path)) page = <SignIn next={new URLSearchParams(path.split('?')[1]).get('next') ?? '/'} />;
  else if (match('/my/orders', path)) page = needsCustomer(<OrdersPage />);
  else if ((params = match('/my/orders/:id', path))) page = needsCustomer(<OrderPage id={params.id} />);
  else if (match('/my/wallet', path)) page = needsCustomer(<WalletPage />);
  else page = <PageTitle>{t('notFound')}</PageTitle>;
  return (
    <>
      <a className="skip" href="#main">
        {t('skip')}
      </a>
      <header className="bar">
        <Link href="/" className="brand">
          {t('brand')}
        </Link>
        <nav aria-label={t('brand')}>
          <Link href="/">{t('catalogue')}</Link>
          <Link href="/cart">
            {t('cart')} <span className="count">({count})</span>
          </Link>
          <Link href="/my/orders">{t('orders')}</Link>
          <Link href="/my/wallet">{t('wallet')}</Link>
          {customer ? (
            <button
              type="button"
              className="link"
              onClick={() => signOut('customer')}
              title={t('signedInAs', { email: customer })}
            >
              {t('signOut')}
            </button>
          ) : (
            <Link href={`/signin?next=${encodeURIComponent(path)}`}>{t('signIn')}</Link>
          )}
        </nav>
        <LanguageSwitch />
      </header>
      <main id="main">{page}</main>
    </>
  );
}

function SignIn({ next }: { next: string }) {
  const { t } = useI18n();
  const signInAsCustomer = async (email: string, password: string): Promise<string | null> => {
    try {
      await signIn('customer', email, password);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'LOGIN_THROTTLED') return t('throttled');
      return e instanceof ApiError && e.status === 401 ? t('signInFailed') : String((e as ApiError).detail ?? e);
    }
    if (location.pathname === '/signin') navigate(next.startsWith('/') ? next : '/', true);
    return null;
  };
  return <SignInForm title={t('signIn')} signIn={signInAsCustomer} />;
}

function Availability({ product }: { product: Product }) {
  const { t } = useI18n();
  return product.available > 0 ? (
    <span className="ok">{t('available', { n: product.available })}</span>
  ) : (
    <span className="bad">{t('soldOut')}</span>
  );
}

function Catalogue() {
  const { t } = useI18n();
  const money = useMoney();
  const products = usePoll((signal) => get<Product[]>('/products', undefined, signal), [], 5_000);
  return (
    <section>
      <PageTitle>{t('catalogue')}</PageTitle>
      <ErrorNote error={products.error} onRetry={products.reload} />
      {!products.value ? (
        <Loading />
      ) : (
        <ul className="grid" aria-live="polite">
          {products.value.map((p) => (
            <li key={p.sku} className="card" data-sku={p.sku}>
              <h2>
                <Link href={`/item/${encodeURIComponent(p.sku)}`}>{p.name}</Link>
              </h2>
              <p className="muted">{p.sku}</p>
              <p className="price">{money(p.priceCents)}</p>
              <p>
                <Availability product={p} />
              </p>
              <AddButton product={p} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function AddButton({ product, quantity = 1 }: { product: Product; quantity?: number }) {
  const { t } = useI18n();
  const [added, setAdded] = useState(false);
  return (
    <>
      <button
        type="button"
        disabled={product.available <= 0}
        aria-label={`${t('addToCart')}: ${product.name}`}
        onClick={() => {
          cartActions.add(product.sku, quantity);
          setAdded(true);
        }}
      >
        {t('addToCart')}
      </button>
      <span role="status" className="muted">
        {added ? t('added') : ''}
      </span>
    </>
  );
}

function ProductPage({ sku }: { sku: string }) {
  const { t } = useI18n();
  const money = useMoney();
  const [quantity, setQuantity] = useState(1);
  const product = usePoll(
    (signal) => get<Product>(`/products/${encodeURIComponent(sku)}`, undefined, signal),
    [sku],
    5_000,
  );
  if (product.error?.status === 404) return <PageTitle>{t('notFound')}</PageTitle>;
  if (!product.value) return <Loading />;
  const p = product.value;
  return (
    <section className="narrow">
      <PageTitle>{p.name}</PageTitle>
      <p className="muted">{p.sku}</p>
      <p className="price big">{money(p.priceCents)}</p>
      <p aria-live="polite">
        <Availability product={p} />
      </p>
      <label>
        {t('quantity')}
        <input
          type="number"
          min={1}
          max={999}
          value={quantity}
          onChange={(e) => setQuantity(Math.max(1, Math.min(999, Number(e.target.value) || 1)))}
        />
      </label>
      <AddButton product={p} quantity={quantity} />
    </section>
  );
}

function CartPage() {
  const { t } = useI18n();
  const money = useMoney();
  const cart = useCart();
  const lines = cartLines(cart);
  const customer = useCustomer();
  const [couponInput, setCouponInput] = useState('');
  const [couponCode, setCouponCode] = useState<string | null>(null);
  const [quote, setQuote] = useState<Quote | null>(null);
  const [catalogue, setCatalogue] = useState<Record<string, Product>>({});
  const [paying, setPaying] = useState(false);
  const [payError, setPayError] = useState<ApiError | null>(null);
  const inFlight = useRef(false);
  const body = lines.length ? { items: lines, ...(couponCode ? { couponCode } : {}) } : null;
  const bodyText = JSON.stringify(body);

  useEffect(() => {
    get<Product[]>('/products').then(
      (all) => setCatalogue(Object.fromEntries(all.map((p) => [p.sku, p]))),
      () => undefined,
    );
  }, []);
  useEffect(() => {
    if (!body || !customer) return setQuote(null);
    const abort = new AbortController();
    request<Quote>('POST', '/checkout/quote', { role: 'customer', body, signal: abort.signal }).then(
      (answer) => setQuote(answer.body),
      () => undefined,
    );
    return () => abort.abort();
  }, [bodyText, customer]);

  const pay = async () => {
    if (!body || inFlight.current) return;
    inFlight.current = true;
    setPaying(true);
    setPayError(null);
    // One key per attempt: the same body again (a retry, a second click) reuses it.
    const attempt = attemptFor(bodyText);
    try {
      for (;;) {
        try {
          const answer = await request<Order>('POST', '/checkout', {
            role: 'customer',
            body,
            headers: { 'idempotency-key': attempt.key, prefer: 'wait=10' },
          });
          endAttempt();
          cartActions.clear();
          navigate(`/my/orders/${answer.body.id}`);
          return;
        } catch (e) {
          // The first request with this key is still being accepted: ask again shortly.
          if (e instanceof ApiError && e.code === 'IDEMPOTENCY_IN_PROGRESS') {
            await new Promise((r) => setTimeout(r, 500));
            continue;
          }
          if (e instanceof ApiError && e.code === 'IDEMPOTENCY_KEY_REUSED') endAttempt();
          throw e;
        }
      }
    } catch (e) {
      setPayError(e instanceof ApiError ? e : new ApiError(0, 'ERROR', String(e)));
    } finally {
      inFlight.current = false;
      setPaying(false);
    }
  };

  if (!lines.length)
    return (
      <section>
        <PageTitle>{t('cart')}</PageTitle>
        <p>{t('emptyCart')}</p>
        <Link href="/">{t('keepShopping')}</Link>
      </section>
    );
  const priced = (sku: string) => quote?.items.find((i) => i.sku === sku);
  const subtotal =
    quote?.subtotalCents ?? lines.reduce((s, l) => s + (catalogue[l.sku]?.priceCents ?? 0) * l.quantity, 0);
  return (
    <section>
      <PageTitle>{t('cart')}</PageTitle>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('item')}</th>
              <th scope="col">{t('unitPrice')}</th>
              <th scope="col">{t('quantity')}</th>
              <th scope="col">{t('lineTotal')}</th>
              <th scope="col">
                <span className="sr-only">{t('remove')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line) => {
              const product = catalogue[line.sku];
              const name = priced(line.sku)?.name ?? product?.name ?? line.sku;
              const unit = priced(line.sku)?.unitPriceCents ?? product?.priceCents ?? 0;
              const available = priced(line.sku)?.available ?? product?.available;
              return (
                <tr key={line.sku}>
                  <td>
                    <Link href={`/item/${encodeURIComponent(line.sku)}`}>{name}</Link>
                    {available !== undefined && available < line.quantity && (
                      <div className="bad">{available > 0 ? t('notEnough', { n: available }) : t('soldOut')}</div>
                    )}
                  </td>
                  <td>{money(unit)}</td>
                  <td>
                    <input
                      type="number"
                      min={1}
                      max={999}
                      className="qty"
                      aria-label={t('quantityOf', { name })}
                      value={line.quantity}
                      onChange={(e) => cartActions.set(line.sku, Number(e.target.value) || 1)}
                    />
                  </td>
                  <td>{money(unit * line.quantity)}</td>
                  <td>
                    <button
                      type="button"
                      className="link"
                      onClick={() => cartActions.set(line.sku, 0)}
                      aria-label={t('removeItem', { name })}
                    >
                      {t('remove')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          setCouponCode(couponInput.trim() ? couponInput.trim().toUpperCase() : null);
        }}
      >
        <label>
          {t('coupon')}
          <input
            value={couponInput}
            onChange={(e) => setCouponInput(e.target.value)}
            autoComplete="off"
            pattern="[A-Za-z0-9_\-]{1,64}"
          />
        </label>
        <button type="submit">{t('apply')}</button>
      </form>
      <div aria-live="polite" className="coupon-note">
        {quote?.coupon && !quote.coupon.ok && <p className="bad">{t(dynamicKey(`coupon.${quote.coupon.reason}`))}</p>}
        {quote?.coupon?.ok && (
          <p className="ok">{t('couponApplied', { code: quote.coupon.code, amount: money(quote.discountCents) })}</p>
        )}
      </div>
      <dl className="totals" aria-live="polite">
        <dt>{t('subtotal')}</dt>
        <dd>{money(subtotal)}</dd>
        <dt>{t('discount')}</dt>
        <dd data-testid="discount">−{money(quote?.discountCents ?? 0)}</dd>
        <dt>{t('total')}</dt>
        <dd data-testid="total">{money(quote?.totalCents ?? subtotal)}</dd>
      </dl>
      {customer ? (
        <button type="button" className="primary" onClick={pay} disabled={paying} aria-busy={paying}>
          {paying ? t('paying') : t('pay', { amount: money(quote?.totalCents ?? subtotal) })}
        </button>
      ) : (
        <Link className="button primary" href="/signin?next=/cart">
          {t('signInToPay')}
        </Link>
      )}
      {payError && (
        <p role="alert" className="error">
          {payError.network || payError.status >= 500
            ? t('payFailedNetwork')
            : t('payFailed', { detail: payError.detail })}{' '}
          <button type="button" onClick={pay}>
            {t('retry')}
          </button>
        </p>
      )}
    </section>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  return <span className={`badge s-${status}`}>{t(dynamicKey(`status.${status}`))}</span>;
}

function OrderPage({ id }: { id: string }) {
  const { t } = useI18n();
  const money = useMoney();
  const date = useDate();
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<string | null>(null);
  const order = usePoll(
    (signal) => get<Order>(`/orders/${encodeURIComponent(id)}`, 'customer', signal),
    [id],
    1_000,
    (o) => !FINAL.includes(o.status),
  );
  if (order.error?.status === 404) return <PageTitle>{t('notFound')}</PageTitle>;
  if (!order.value) return <Loading />;
  const o = order.value;
  const cancel = async () => {
    setCancelling(true);
    setCancelError(null);
    try {
      await request<Order>('POST', `/orders/${encodeURIComponent(o.id)}/cancel`, {
        role: 'customer',
        headers: { prefer: 'wait=10' },
      });
    } catch (e) {
      setCancelError(
        e instanceof ApiError && e.status === 409 ? t('cannotCancel') : String((e as ApiError).detail ?? e),
      );
    } finally {
      setCancelling(false);
      order.reload();
    }
  };
  return (
    <section>
      <PageTitle>{t('orderNumber', { id: o.id.slice(0, 8) })}</PageTitle>
      <p>
        {t('status')}:{' '}
        <span role="status" aria-live="polite" data-testid="order-status" data-status={o.status}>
          <StatusBadge status={o.status} />
        </span>
      </p>
      {!FINAL.includes(o.status) && <p className="muted">{t('following')}</p>}
      {o.failureReason && (
        <p className="bad" data-testid="failure-reason">
          {t(dynamicKey(`reason.${o.failureReason}`))}
        </p>
      )}
      {o.status === 'REFUNDED' && <p className="ok">{t('refunded.note')}</p>}
      <p className="muted">
        {t('placed')}: {date(o.createdAt)}
      </p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('item')}</th>
              <th scope="col">{t('quantity')}</th>
              <th scope="col">{t('lineTotal')}</th>
            </tr>
          </thead>
          <tbody>
            {o.items.map((i) => (
              <tr key={i.sku}>
                <td>{i.name}</td>
                <td>{i.quantity}</td>
                <td>{money(i.lineTotalCents)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <dl className="totals">
        <dt>{t('subtotal')}</dt>
        <dd>{money(o.subtotalCents)}</dd>
        {o.discountCents > 0 && (
          <>
            <dt>
              {t('discount')} {o.couponCode && `(${o.couponCode})`}
            </dt>
            <dd>−{money(o.discountCents)}</dd>
          </>
        )}
        <dt>{t('total')}</dt>
        <dd>{money(o.totalCents)}</dd>
      </dl>
      {(o.status === 'PAID' || o.status === 'PENDING') && (
        <button type="button" onClick={cancel} disabled={cancelling}>
          {cancelling ? t('cancelling') : o.status === 'PAID' ? t('cancelRefund') : t('cancelOrder')}
        </button>
      )}
      {cancelError && (
        <p role="alert" className="error">
          {cancelError}
        </p>
      )}
    </section>
  );
}

function OrdersPage() {
  const { t } = useI18n();
  const money = useMoney();
  const date = useDate();
  const [pages, setPages] = useState<Page<Order>[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const load = (cursor?: string) =>
    get<Page<Order>>(`/orders?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, 'customer').then(
      (page) => setPages((p) => (cursor ? [...p, page] : [page])),
      (e: ApiError) => setError(e),
    );
  useEffect(() => {
    void load();
  }, []);
  const orders = pages.flatMap((p) => p.items);
  const next = pages.at(-1)?.nextCursor;
  return (
    <section>
      <PageTitle>{t('orders')}</PageTitle>
      <ErrorNote error={error} onRetry={() => load()} />
      {!pages.length && !error ? (
        <Loading />
      ) : orders.length === 0 ? (
        <p>{t('noOrders')}</p>
      ) : (
        <ul className="list" data-testid="orders">
          {orders.map((o) => (
            <li key={o.id}>
              <Link href={`/my/orders/${o.id}`}>{t('orderNumber', { id: o.id.slice(0, 8) })}</Link>{' '}
              <StatusBadge status={o.status} /> <span>{money(o.totalCents)}</span>{' '}
              <span className="muted">{date(o.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
      {next && (
        <button type="button" onClick={() => load(next)}>
          {t('more')}
        </button>
      )}
    </section>
  );
}

function WalletPage() {
  const { t } = useI18n();
  const money = useMoney();
  const date = useDate();
  const wallet = usePoll((signal) => get<{ balanceCents: number }>('/me/wallet', 'customer', signal), [], 10_000);
  const entries = usePoll(
    (signal) => get<{ items: WalletEntry[] }>('/me/wallet/entries?limit=50', 'customer', signal),
    [],
    10_000,
  );
  return (
    <section>
      <PageTitle>{t('wallet')}</PageTitle>
      <ErrorNote error={wallet.error} onRetry={wallet.reload} />
      <p className="big">
        {t('balance')}: <strong data-testid="balance">{wallet.value ? money(wallet.value.balanceCents) : '…'}</strong>
      </p>
      <h2>{t('entries')}</h2>
      {!entries.value ? (
        <Loading />
      ) : entries.value.items.length === 0 ? (
        <p>{t('noEntries')}</p>
      ) : (
        <WalletTable entries={entries.value.items} money={money} date={date} />
      )}
    </section>
  );
}

export function WalletTable({
  entries,
  money,
  date,
}: {
  entries: WalletEntry[];
  money: (c: number) => string;
  date: (s: string) => string;
}) {
  const { t } = useI18n();
  return (
    <div className="table-wrap">
      <table data-testid="entries">
        <thead>
          <tr>
            <th scope="col">{t('date')}</th>
            <th scope="col">{t('kind')}</th>
            <th scope="col">{t('reference')}</th>
            <th scope="col">{t('amount')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={`${e.kind}-${e.reference}`}>
              <td>{date(e.createdAt)}</td>
              <td>{t(dynamicKey(`kind.${e.kind}`))}</td>
              <td className="mono">{e.reference}</td>
              <td className={e.amountCents < 0 ? 'bad' : 'ok'}>{money(e.amountCents)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
