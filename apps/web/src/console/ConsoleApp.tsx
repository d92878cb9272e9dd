import { FormEvent, ReactNode, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import {
  ApiError,
  get,
  onSessionChange,
  request,
  SagaDetail,
  SagaSummary,
  session,
  signIn,
  signOut,
  Stats,
  StockAdjustment,
  WalletEntry,
  Page,
} from '../api';
import { ErrorNote, Loading, PageTitle, SignInForm, useDate, useMoney, usePoll } from '../common';
import { LanguageSwitch, useI18n } from '../i18n';
import { Link, match } from '../router';
import { WalletTable } from '../store/StoreApp';
import { traceUrl } from './trace-link';
import { Timeline } from './Timeline';

const STATUSES = ['RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'PARKED'];
const TYPES = ['checkout', 'cancelOrder'];

function useOperator() {
  return useSyncExternalStore(onSessionChange, () => session('operator')?.email ?? null);
}

export function ConsoleApp({ path }: { path: string }) {
  const { t } = useI18n();
  const operator = useOperator();
  let page: ReactNode;
  let params: Record<string, string> | null;
  if (!operator) page = <OperatorSignIn />;
  else if (match('/console', path) || match('/console/sagas', path)) page = <SagaList />;
  else if ((params = match('/console/sagas/:id', path))) page = <SagaPage id={params.id} />;
  else if (match('/console/stuck', path)) page = <Stuck />;
  else if (match('/console/invariants', path)) page = <Invariants />;
  else if (match('/console/live', path)) page = <Live />;
  else if (match('/console/operations', path)) page = <Operations />;
  else page = <PageTitle>{t('notFound')}</PageTitle>;
  return (
    <div className="console">
      <a className="skip" href="#main">
        {t('skip')}
      </a>
      <header className="bar">
        <Link href="/console" className="brand">
          {t('consoleBrand')}
        </Link>
        {operator && (
          <nav aria-label={t('consoleBrand')}>
            <Link href="/console/sagas">{t('sagas')}</Link>
            <Link href="/console/stuck">{t('stuck')}</Link>
            <Link href="/console/invariants">{t('invariants')}</Link>
            <Link href="/console/live">{t('live')}</Link>
            <Link href="/console/operations">{t('operations')}</Link>
            <button type="button" className="link" onClick={() => signOut('operator')}>
              {t('signOut')}
            </button>
          </nav>
        )}
        <LanguageSwitch />
      </header>
      <main id="main">{page}</main>
    </div>
  );
}

function OperatorSignIn() {
  const { t } = useI18n();
  const signInAsOperator = async (email: string, password: string): Promise<string | null> => {
    try {
      await signIn('operator', email, password);
    } catch (e) {
      return e instanceof ApiError && e.code === 'LOGIN_THROTTLED' ? t('throttled') : t('signInFailed');
    }
    // A customer's token is refused by /admin: say so rather than showing empty pages.
    try {
      await get('/admin/sagas?limit=1', 'operator');
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) {
        signOut('operator');
        return t('notOperator');
      }
    }
    return null;
  };
  return <SignInForm title={t('operatorSignIn')} signIn={signInAsOperator} />;
}

export function SagaBadge({ status }: { status: string }) {
  return <span className={`badge g-${status}`}>{status}</span>;
}

function SagaTable({ sagas, caption }: { sagas: SagaSummary[]; caption: string }) {
  const { t } = useI18n();
  const date = useDate();
  if (!sagas.length) return <p>{t('noSagas')}</p>;
  return (
    <div className="table-wrap">
      <table data-testid="sagas">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">{t('type')}</th>
            <th scope="col">{t('status')}</th>
            <th scope="col">{t('currentStep')}</th>
            <th scope="col">{t('started')}</th>
            <th scope="col">{t('updated')}</th>
          </tr>
        </thead>
        <tbody>
          {sagas.map((s) => (
            <tr key={s.id} data-saga={s.id}>
              <td className="mono">
                <Link href={`/console/sagas/${s.id}`}>{s.id.slice(0, 8)}</Link>
              </td>
              <td>{s.type}</td>
              <td>
                <SagaBadge status={s.status} />
              </td>
              <td>{s.currentStep ?? '—'}</td>
              <td>{date(s.startedAt)}</td>
              <td>{date(s.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SagaList() {
  const { t } = useI18n();
  const [status, setStatus] = useState('');
  const [type, setType] = useState('');
  const [pages, setPages] = useState<Page<SagaSummary>[]>([]);
  const query = `${status ? `&status=${status}` : ''}${type ? `&type=${type}` : ''}`;
  const first = usePoll(
    (signal) => get<Page<SagaSummary>>(`/admin/sagas?limit=25${query}`, 'operator', signal),
    [query],
    5_000,
  );
  useEffect(() => setPages([]), [query]);
  const more = (cursor: string) =>
    get<Page<SagaSummary>>(`/admin/sagas?limit=25${query}&cursor=${encodeURIComponent(cursor)}`, 'operator').then((p) =>
      setPages((all) => [...all, p]),
    );
  const all = first.value ? [first.value, ...pages] : [];
  const next = all.at(-1)?.nextCursor;
  return (
    <section>
      <PageTitle>{t('sagas')}</PageTitle>
      <div className="row">
        <label>
          {t('status')}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('all')}</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          {t('type')}
          <select value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">{t('all')}</option>
            {TYPES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote error={first.error} onRetry={first.reload} />
      {!first.value ? <Loading /> : <SagaTable sagas={all.flatMap((p) => p.items)} caption={t('sagas')} />}
      {next && (
        <button type="button" onClick={() => more(next)}>
          {t('more')}
        </button>
      )}
    </section>
  );
}

function SagaPage({ id }: { id: string }) {
  const { t } = useI18n();
  const date = useDate();
  const [retrying, setRetrying] = useState(false);
  const [retryError, setRetryError] = useState<ApiError | null>(null);
  const saga = usePoll(
    (signal) => get<SagaDetail>(`/admin/sagas/${encodeURIComponent(id)}`, 'operator', signal),
    [id],
    2_000,
    (s) => s.status === 'RUNNING' || s.status === 'COMPENSATING' || s.status === 'PARKED',
  );
  if (saga.error?.status === 404) return <PageTitle>{t('notFound')}</PageTitle>;
  if (!saga.value) return <Loading />;
  const s = saga.value;
  const retry = async () => {
    setRetrying(true);
    setRetryError(null);
    try {
      await request('POST', `/admin/sagas/${s.id}/retry`, { role: 'operator' });
    } catch (e) {
      setRetryError(e as ApiError);
    } finally {
      setRetrying(false);
      saga.reload();
    }
  };
  return (
    <section>
      <PageTitle>{t('saga', { id: s.id.slice(0, 8) })}</PageTitle>
      <dl className="facts">
        <dt>Id</dt>
        <dd className="mono">{s.id}</dd>
        <dt>{t('type')}</dt>
        <dd>{s.type}</dd>
        <dt>{t('status')}</dt>
        <dd role="status" data-testid="saga-status" data-status={s.status}>
          <SagaBadge status={s.status} />
        </dd>
        <dt>{t('currentStep')}</dt>
        <dd>
          {s.currentStep ?? '—'} ({t('attempt')} {s.attempt})
        </dd>
        {s.failure && (
          <>
            <dt>{t('failure')}</dt>
            <dd>
              {s.failure.step}: {s.failure.reason}
            </dd>
          </>
        )}
        {s.deadlineAt && (
          <>
            <dt>{t('deadline')}</dt>
            <dd>{date(s.deadlineAt)}</dd>
          </>
        )}
        {s.traceId && (
          <>
            <dt>{t('trace')}</dt>
            <dd>
              <a className="mono" href={traceUrl(s.traceId)} target="_blank" rel="noreferrer" data-testid="saga-trace">
                {s.traceId}
              </a>
            </dd>
          </>
        )}
      </dl>
      {s.status === 'PARKED' && (
        <button type="button" className="primary" onClick={retry} disabled={retrying}>
          {t('retrySaga')}
        </button>
      )}
      <ErrorNote error={retryError} />
      <h2>{t('timeline')}</h2>
      <Timeline saga={s} />
      <details>
        <summary>{t('timeline')} (table)</summary>
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('step')}</th>
                <th scope="col">{t('phase')}</th>
                <th scope="col">{t('attempt')}</th>
                <th scope="col">{t('outcome')}</th>
                <th scope="col">{t('date')}</th>
              </tr>
            </thead>
            <tbody>
              {s.timeline.map((e, i) => (
                <tr key={i}>
                  <td>{i + 1}</td>
                  <td>{e.stepName}</td>
                  <td>{e.phase}</td>
                  <td>{e.attempt}</td>
                  <td>
                    {e.outcome}
                    {e.reason ? ` (${e.reason})` : ''}
                    {e.error ? ` ${e.error}` : ''}
                  </td>
                  <td>{new Date(e.at).toISOString().slice(11, 23)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}

const LONG_MS = 30_000;

function Stuck() {
  const { t } = useI18n();
  const data = usePoll(
    async (signal) => {
      const list = (status: string) =>
        get<Page<SagaSummary>>(`/admin/sagas?status=${status}&limit=100`, 'operator', signal);
      const [parked, compensating, running] = await Promise.all([
        list('PARKED'),
        list('COMPENSATING'),
        list('RUNNING'),
      ]);
      const now = Date.now();
      // A running saga's deadline is on its detail: look at those that have not moved for a while.
      const quiet = running.items.filter((s) => now - Date.parse(s.updatedAt) > 5_000).slice(0, 20);
      const details = await Promise.all(quiet.map((s) => get<SagaDetail>(`/admin/sagas/${s.id}`, 'operator', signal)));
      return {
        parked: parked.items,
        compensating: compensating.items.filter((s) => now - Date.parse(s.updatedAt) > LONG_MS),
        late: details.filter((d) => d.deadlineAt && Date.parse(d.deadlineAt) < now),
      };
    },
    [],
    5_000,
  );
  return (
    <section>
      <PageTitle>{t('stuck')}</PageTitle>
      <ErrorNote error={data.error} onRetry={data.reload} />
      {!data.value ? (
        <Loading />
      ) : (
        <>
          <h2>{t('parked')}</h2>
          <SagaTable sagas={data.value.parked} caption={t('parked')} />
          <h2>{t('pastDeadline')}</h2>
          <SagaTable sagas={data.value.late} caption={t('pastDeadline')} />
          <h2>{t('compensatingLong')}</h2>
          <SagaTable sagas={data.value.compensating} caption={t('compensatingLong')} />
        </>
      )}
    </section>
  );
}

interface Check {
  name: string;
  ok: boolean;
  figures: string;
}

export function invariantChecks(stats: Stats, money: (c: number) => string): { group: string; checks: Check[] }[] {
  const m = stats.money;
  return [
    {
      group: 'stock',
      checks: stats.products.flatMap((p) => [
        {
          name: `${p.sku}: 0 ≤ reserved ≤ on hand`,
          ok: p.reserved >= 0 && p.reserved <= p.stockOnHand,
          figures: `reserved ${p.reserved}, on hand ${p.stockOnHand}`,
        },
        {
          name: `${p.sku}: sold = units in PAID orders`,
          ok: p.sold === p.paidQuantity,
          figures: `sold ${p.sold}, paid ${p.paidQuantity}`,
        },
        { name: `${p.sku}: available ≥ 0`, ok: p.available >= 0, figures: `available ${p.available}` },
      ]),
    },
    {
      group: 'money',
      checks: [
        { name: 'ledger entries sum to zero', ok: m.ledgerSumCents === 0, figures: `sum ${money(m.ledgerSumCents)}` },
        {
          name: 'wallets + merchant = credited',
          ok: m.walletsCents + m.merchantCents === m.creditedCents,
          figures: `${money(m.walletsCents)} + ${money(m.merchantCents)} = ${money(m.walletsCents + m.merchantCents)}; credited ${money(m.creditedCents)}`,
        },
        {
          name: 'merchant = totals of PAID orders',
          ok: m.merchantCents === m.paidTotalCents,
          figures: `merchant ${money(m.merchantCents)}, PAID ${money(m.paidTotalCents)}`,
        },
        {
          name: 'every order charged exactly its net amount',
          ok: m.wrongNetChargeCount === 0,
          figures: `${m.wrongNetChargeCount} wrong${m.ordersWithWrongNetCharge.length ? `: ${m.ordersWithWrongNetCharge.slice(0, 5).join(', ')}` : ''}`,
        },
      ],
    },
    {
      group: 'coupons',
      checks: stats.coupons.flatMap((c) => [
        {
          name: `${c.code}: locked + redeemed ≤ cap`,
          ok: c.locked + c.redeemed <= c.maxRedemptions,
          figures: `${c.locked} + ${c.redeemed} of ${c.maxRedemptions}`,
        },
        {
          name: `${c.code}: per customer ≤ limit`,
          ok: c.maxHeldByOneCustomer <= c.perCustomerLimit,
          figures: `most held by one ${c.maxHeldByOneCustomer}, limit ${c.perCustomerLimit}`,
        },
      ]),
    },
  ];
}

function Invariants() {
  const { t } = useI18n();
  const money = useMoney();
  const stats = usePoll((signal) => get<Stats>('/admin/stats', 'operator', signal), [], 10_000);
  if (!stats.value) return stats.error ? <ErrorNote error={stats.error} onRetry={stats.reload} /> : <Loading />;
  const inFlight = (stats.value.sagasByStatus.RUNNING ?? 0) + (stats.value.sagasByStatus.COMPENSATING ?? 0);
  return (
    <section>
      <PageTitle>{t('invariants')}</PageTitle>
      <p className="muted">{t('checksAtRest', { n: inFlight })}</p>
      {invariantChecks(stats.value, money).map(({ group, checks }) => (
        <div key={group}>
          <h2>{group}</h2>
          <ul className="checks" data-testid={`checks-${group}`}>
            {checks.map((c) => (
              <li key={c.name} className={c.ok ? 'check ok' : 'check bad'} data-ok={c.ok}>
                <span className="dot" aria-hidden="true" /> <strong>{c.ok ? t('ok') : t('violated')}</strong> {c.name}{' '}
                <span className="muted">({c.figures})</span>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

const SAMPLE_S = 5;

interface Sample {
  at: number;
  byStatus: Record<string, number>;
  outbox: Stats['outbox'];
}

function Live() {
  const { t } = useI18n();
  const [samples, setSamples] = useState<Sample[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    let timer: ReturnType<typeof setTimeout>;
    const sample = async () => {
      try {
        const stats = await get<Stats>('/admin/stats', 'operator');
        if (!alive.current) return;
        setError(null);
        setSamples((all) => [
          ...all.filter((s) => Date.now() - s.at < 70_000),
          { at: Date.now(), byStatus: stats.sagasByStatus, outbox: stats.outbox },
        ]);
      } catch (e) {
        setError(e as ApiError);
      }
      if (alive.current) timer = setTimeout(sample, SAMPLE_S * 1000);
    };
    void sample();
    return () => {
      alive.current = false;
      clearTimeout(timer);
    };
  }, []);
  const last = samples.at(-1);
  const first = samples.find((s) => last && last.at - s.at <= 60_000) ?? samples[0];
  // A count can also fall (retention removes old sagas, a retried saga leaves PARKED): a rate is never below 0.
  const perMinute = (pick: (s: Sample) => number) => {
    if (!first || !last || last === first) return '—';
    return Math.max(0, (pick(last) - pick(first)) * (60_000 / (last.at - first.at))).toFixed(1);
  };
  const sum = (s: Sample) => Object.values(s.byStatus).reduce((a, b) => a + b, 0);
  const of = (status: string) => (s: Sample) => s.byStatus[status] ?? 0;
  const counters = [
    { label: t('sagasStarted'), value: perMinute(sum), id: 'started' },
    { label: t('sagasCompleted'), value: perMinute(of('COMPLETED')), id: 'completed' },
    { label: t('sagasCompensated'), value: perMinute(of('COMPENSATED')), id: 'compensated' },
    { label: t('sagasParked'), value: perMinute(of('PARKED')), id: 'parked' },
  ];
  return (
    <section>
      <PageTitle>{t('live')}</PageTitle>
      <p className="muted">{t('sampling', { s: SAMPLE_S })}</p>
      <ErrorNote error={error} />
      <ul className="counters" aria-live="polite">
        {counters.map((c) => (
          <li key={c.id} data-counter={c.id} data-value={c.value}>
            <span className="counter-value">{c.value}</span>
            <span>
              {c.label} / {t('perMinute').toLowerCase()}
            </span>
          </li>
        ))}
      </ul>
      <h2 id="outbox-h">{t('outboxLag')}</h2>
      <p className="muted">{t('outboxLagNote')}</p>
      {last && (
        <div className="table-wrap">
          <table aria-labelledby="outbox-h" data-testid="outbox">
            <thead>
              <tr>
                <th scope="col">{t('service')}</th>
                <th scope="col">{t('unsent')}</th>
                <th scope="col">{t('oldestAge')}</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(last.outbox).map(([service, backlog]) => (
                <tr
                  key={service}
                  data-service={service}
                  data-unsent={backlog.unsent}
                  data-oldest={backlog.oldestAgeSeconds ?? ''}
                >
                  <th scope="row">{service}</th>
                  <td>{backlog.unsent}</td>
                  <td>{backlog.oldestAgeSeconds === null ? '—' : backlog.oldestAgeSeconds.toFixed(1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {last && (
        <div className="table-wrap">
          <table>
            <caption>{t('sagas')}</caption>
            <tbody>
              {Object.entries(last.byStatus).map(([status, n]) => (
                <tr key={status}>
                  <th scope="row">
                    <SagaBadge status={status} />
                  </th>
                  <td>{n}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function reference(prefix: string): string {
  return `${prefix}-${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}-${Math.random().toString(36).slice(2, 6)}`;
}

function Operations() {
  const { t } = useI18n();
  const money = useMoney();
  const date = useDate();
  const stats = usePoll((signal) => get<Stats>('/admin/stats', 'operator', signal), [], 15_000);
  const adjustments = usePoll(
    (signal) => get<Page<StockAdjustment>>('/admin/stock-adjustments?limit=20', 'operator', signal),
    [],
    15_000,
  );
  const [stockDone, setStockDone] = useState<string | null>(null);
  const [stockError, setStockError] = useState<ApiError | null>(null);
  const [creditDone, setCreditDone] = useState<string | null>(null);
  const [creditError, setCreditError] = useState<ApiError | null>(null);
  const [statement, setStatement] = useState<{ customer: string; items: WalletEntry[] } | null>(null);
  const [statementError, setStatementError] = useState<ApiError | null>(null);
  const [stockRef, setStockRef] = useState(() => reference('adj'));
  const [creditRef, setCreditRef] = useState(() => reference('credit'));

  const adjust = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const sku = String(form.get('sku'));
    setStockError(null);
    setStockDone(null);
    try {
      const answer = await request<{ stockOnHand: number; reserved: number; available: number }>(
        'POST',
        `/admin/products/${encodeURIComponent(sku)}/stock`,
        {
          role: 'operator',
          body: { delta: Number(form.get('delta')), reference: String(form.get('reference')) },
        },
      );
      const stock = answer.body;
      setStockDone(
        `${sku} ${String(form.get('reference'))}: ${t('onHand')} ${stock.stockOnHand}, ${t('reserved')} ${stock.reserved}, ${t('available', { n: stock.available })}`,
      );
      setStockRef(reference('adj'));
      stats.reload();
      adjustments.reload();
    } catch (e) {
      setStockError(e as ApiError);
    }
  };
  const credit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const customer = String(form.get('customer')).trim();
    setCreditError(null);
    setCreditDone(null);
    try {
      const answer = await request<{ balanceCents: number }>(
        'POST',
        `/admin/customers/${encodeURIComponent(customer)}/wallet/credit`,
        {
          role: 'operator',
          body: { amountCents: Math.round(Number(form.get('amount')) * 100), reference: String(form.get('reference')) },
        },
      );
      setCreditDone(`${String(form.get('reference'))}: ${t('balance')} ${money(answer.body.balanceCents)}`);
      setCreditRef(reference('credit'));
      void show(customer);
    } catch (e) {
      setCreditError(e as ApiError);
    }
  };
  const show = async (customer: string) => {
    setStatementError(null);
    try {
      const page = await get<{ items: WalletEntry[] }>(
        `/admin/customers/${encodeURIComponent(customer)}/wallet/entries?limit=50`,
        'operator',
      );
      setStatement({ customer, items: page.items });
    } catch (e) {
      setStatementError(e as ApiError);
    }
  };
  return (
    <section>
      <PageTitle>{t('operations')}</PageTitle>
      <div className="columns">
        <form onSubmit={adjust} className="stack panel" aria-labelledby="stock-h">
          <h2 id="stock-h">{t('stockAdjustment')}</h2>
          <label>
            {t('sku')}
            <select name="sku" required>
              {stats.value?.products.map((p) => (
                <option key={p.sku} value={p.sku}>
                  {p.sku}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('delta')}
            <input name="delta" type="number" step={1} required defaultValue={10} />
          </label>
          <label>
            {t('reference')}
            <input
              name="reference"
              value={stockRef}
              onChange={(e) => setStockRef(e.target.value)}
              required
              maxLength={200}
            />
          </label>
          <button type="submit">{t('adjust')}</button>
          <p role="status" className="ok">
            {stockDone && t('done', { what: stockDone })}
          </p>
          <ErrorNote error={stockError} />
        </form>
        <section className="stack panel span-2" aria-labelledby="adjustments-h">
          <h2 id="adjustments-h">{t('pastAdjustments')}</h2>
          <ErrorNote error={adjustments.error} onRetry={adjustments.reload} />
          {!adjustments.value ? (
            <Loading />
          ) : adjustments.value.items.length ? (
            <AdjustmentTable adjustments={adjustments.value.items} date={date} />
          ) : (
            <p>{t('noAdjustments')}</p>
          )}
        </section>
        <form onSubmit={credit} className="stack panel" aria-labelledby="credit-h">
          <h2 id="credit-h">{t('walletCredit')}</h2>
          <label>
            {t('customerId')}
            <input name="customer" required pattern="[0-9a-fA-F-]{36}" className="mono" />
          </label>
          <label>
            {t('amountCny')}
            <input name="amount" type="number" min={0.01} step={0.01} required defaultValue={100} />
          </label>
          <label>
            {t('reference')}
            <input
              name="reference"
              value={creditRef}
              onChange={(e) => setCreditRef(e.target.value)}
              required
              maxLength={200}
            />
          </label>
          <button type="submit">{t('credit')}</button>
          <p role="status" className="ok">
            {creditDone && t('done', { what: creditDone })}
          </p>
          <ErrorNote error={creditError} />
        </form>
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void show(String(new FormData(e.currentTarget).get('customer')).trim());
        }}
      >
        <label>
          {t('statement')}: {t('customerId')}
          <input name="customer" required className="mono" />
        </label>
        <button type="submit">{t('show')}</button>
      </form>
      <ErrorNote error={statementError} />
      {statement && (
        <>
          <h2>
            {t('statement')} <span className="mono">{statement.customer}</span>
          </h2>
          {statement.items.length ? (
            <WalletTable entries={statement.items} money={money} date={date} />
          ) : (
            <p>{t('noEntries')}</p>
          )}
        </>
      )}
      <h2>{t('stock')}</h2>
      {stats.value && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('sku')}</th>
                <th scope="col">{t('onHand')}</th>
                <th scope="col">{t('reserved')}</th>
                <th scope="col">{t('sold')}</th>
                <th scope="col">{t('paidQuantity')}</th>
              </tr>
            </thead>
            <tbody>
              {stats.value.products.map((p) => (
                <tr key={p.sku}>
                  <td>{p.sku}</td>
                  <td>{p.stockOnHand}</td>
                  <td>{p.reserved}</td>
                  <td>{p.sold}</td>
                  <td>{p.paidQuantity}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function AdjustmentTable({ adjustments, date }: { adjustments: StockAdjustment[]; date: (s: string) => string }) {
  const { t } = useI18n();
  return (
    <div className="table-wrap">
      <table data-testid="adjustments">
        <caption className="sr-only">{t('pastAdjustments')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('reference')}</th>
            <th scope="col">{t('sku')}</th>
            <th scope="col">{t('change')}</th>
            <th scope="col">{t('stockAfter')}</th>
            <th scope="col">{t('when')}</th>
          </tr>
        </thead>
        <tbody>
          {adjustments.map((a) => (
            <tr key={a.reference} data-reference={a.reference}>
              <td className="mono">{a.reference}</td>
              <td>{a.sku}</td>
              <td className={a.delta < 0 ? 'bad' : 'ok'}>{a.delta > 0 ? `+${a.delta}` : `−${-a.delta}`}</td>
              <td>{a.stockOnHandAfter ?? '—'}</td>
              <td>{date(a.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
