import { createContext, ReactNode, useContext, useEffect, useState } from 'react';

/** Chinese and English: from the browser's languages, switchable, the choice kept in localStorage. */
export type Lang = 'zh' | 'en';

const en = {
  brand: 'Zhongtai Tea House',
  consoleBrand: 'Zhongtai console',
  skip: 'Skip to content',
  language: 'Language',
  catalogue: 'Catalogue',
  cart: 'Cart',
  orders: 'Orders',
  wallet: 'Wallet',
  signIn: 'Sign in',
  signOut: 'Sign out',
  signedInAs: 'Signed in as {email}',
  email: 'Email',
  password: 'Password',
  signInFailed: 'The email or the password is wrong.',
  throttled: 'Too many attempts: try again in a few minutes.',
  loading: 'Loading…',
  retry: 'Try again',
  available: '{n} available',
  soldOut: 'Sold out',
  addToCart: 'Add to cart',
  added: 'Added to your cart',
  quantity: 'Quantity',
  quantityOf: 'Quantity of {name}',
  remove: 'Remove',
  removeItem: 'Remove {name}',
  emptyCart: 'Your cart is empty.',
  keepShopping: 'Browse the catalogue',
  coupon: 'Coupon code',
  apply: 'Apply',
  subtotal: 'Subtotal',
  discount: 'Discount',
  total: 'Total',
  pay: 'Pay {amount}',
  paying: 'Paying…',
  signInToPay: 'Sign in to pay',
  couponApplied: 'Coupon {code}: {amount} off',
  notEnough: 'Only {n} left',
  payFailedNetwork: 'The connection was lost before the answer came. Trying again will not make a second order.',
  payFailed: 'The payment could not be sent: {detail}',
  order: 'Order',
  orderNumber: 'Order {id}',
  status: 'Status',
  placed: 'Placed',
  item: 'Item',
  unitPrice: 'Price',
  lineTotal: 'Line total',
  cancelOrder: 'Cancel order',
  cancelRefund: 'Cancel and refund',
  cancelling: 'Cancelling…',
  cannotCancel: 'This order can no longer be cancelled.',
  noOrders: 'No orders yet.',
  more: 'Show more',
  balance: 'Balance',
  entries: 'Entries',
  noEntries: 'No entries yet.',
  kind: 'Kind',
  reference: 'Reference',
  amount: 'Amount',
  date: 'Date',
  following: 'This page follows the order until it is final.',
  'status.PENDING': 'Processing',
  'status.PAID': 'Paid',
  'status.CANCELLED': 'Cancelled',
  'status.CANCELLING': 'Being refunded',
  'status.REFUNDED': 'Refunded',
  'kind.CREDIT': 'Top-up',
  'kind.CHARGE': 'Payment',
  'kind.REFUND': 'Refund',
  'reason.OUT_OF_STOCK': 'Sorry, an item sold out before we could set it aside for you. You have not been charged.',
  'reason.UNKNOWN_SKU': 'An item in your cart is no longer sold. You have not been charged.',
  'reason.COUPON_INVALID': 'The coupon code is not valid. You have not been charged.',
  'reason.COUPON_EXPIRED': 'The coupon has expired. You have not been charged.',
  'reason.COUPON_EXHAUSTED': 'The coupon has been used up. You have not been charged.',
  'reason.COUPON_MIN_SUBTOTAL': 'The coupon needs a larger order. You have not been charged.',
  'reason.INSUFFICIENT_FUNDS': 'Your wallet does not hold enough for this order. You have not been charged.',
  'reason.PAYMENT_DECLINED': 'The payment was declined. You have not been charged.',
  'reason.TIMEOUT': 'We could not finish your order in time. You have not been charged.',
  'reason.CANCELLED_BY_CUSTOMER': 'You cancelled this order before it was paid.',
  'reason.other': 'The order could not be completed. You have not been charged.',
  'refunded.note': 'The full amount is back in your wallet.',
  'coupon.COUPON_INVALID': 'This coupon code is not valid.',
  'coupon.COUPON_EXPIRED': 'This coupon has expired.',
  'coupon.COUPON_EXHAUSTED': 'This coupon has been used up.',
  'coupon.COUPON_MIN_SUBTOTAL': 'This coupon needs a larger order.',
  notFound: 'This page does not exist.',
  // console
  operatorSignIn: 'Operator sign in',
  notOperator: 'This account is not an operator.',
  sagas: 'Sagas',
  stuck: 'Stuck',
  invariants: 'Invariants',
  live: 'Live',
  operations: 'Operations',
  type: 'Type',
  all: 'All',
  currentStep: 'Current step',
  started: 'Started',
  updated: 'Updated',
  saga: 'Saga {id}',
  timeline: 'Timeline',
  trace: 'Trace',
  retrySaga: 'Retry the parked saga',
  attempt: 'Attempt',
  outcome: 'Outcome',
  phase: 'Phase',
  step: 'Step',
  failure: 'Failure',
  deadline: 'Deadline',
  noSagas: 'No sagas.',
  pastDeadline: 'Past its deadline',
  parked: 'Parked',
  compensatingLong: 'Compensating for long',
  nothingStuck: 'Nothing is stuck.',
  checksAtRest: 'The checks hold when no saga is in flight; {n} are in flight now.',
  ok: 'OK',
  violated: 'Violated',
  perMinute: 'Per minute',
  sagasStarted: 'Sagas started',
  sagasCompleted: 'Completed',
  sagasCompensated: 'Compensated',
  sagasParked: 'Parked',
  outboxLag: 'Outbox lag',
  outboxLagNote:
    'Saga messages each service has written to its outbox and not yet published, and how long the oldest has waited. Its /metrics also has saga_outbox_lag_seconds, the seconds from writing to publication of those sent.',
  service: 'Service',
  unsent: 'Unsent',
  oldestAge: 'Oldest waiting (s)',
  pastAdjustments: 'Past stock adjustments',
  change: 'Change',
  stockAfter: 'Stock after',
  when: 'When',
  noAdjustments: 'No stock adjustments yet.',
  sampling: 'Sampling every {s} s; rates over the last minute.',
  stockAdjustment: 'Stock adjustment',
  sku: 'SKU',
  delta: 'Change (+ in, − out)',
  adjust: 'Adjust stock',
  walletCredit: 'Wallet credit',
  customerId: 'Customer id',
  amountCny: 'Amount (CNY)',
  credit: 'Credit wallet',
  statement: 'Wallet statement',
  show: 'Show',
  done: 'Done: {what}',
  stock: 'Stock',
  onHand: 'On hand',
  reserved: 'Reserved',
  sold: 'Sold',
  paidQuantity: 'In paid orders',
  orderLink: 'Open the order',
};

type Key = keyof typeof en;

const zh: Record<Key, string> = {
  brand: '中台茶庄',
  consoleBrand: '中台运营后台',
  skip: '跳到正文',
  language: '语言',
  catalogue: '商品',
  cart: '购物车',
  orders: '订单',
  wallet: '钱包',
  signIn: '登录',
  signOut: '退出',
  signedInAs: '已登录：{email}',
  email: '邮箱',
  password: '密码',
  signInFailed: '邮箱或密码错误。',
  throttled: '尝试次数过多，请几分钟后再试。',
  loading: '加载中…',
  retry: '重试',
  available: '有货 {n} 件',
  soldOut: '已售罄',
  addToCart: '加入购物车',
  added: '已加入购物车',
  quantity: '数量',
  quantityOf: '{name} 的数量',
  remove: '删除',
  removeItem: '删除 {name}',
  emptyCart: '购物车是空的。',
  keepShopping: '去逛逛',
  coupon: '优惠码',
  apply: '使用',
  subtotal: '小计',
  discount: '优惠',
  total: '合计',
  pay: '支付 {amount}',
  paying: '支付中…',
  signInToPay: '登录后支付',
  couponApplied: '优惠码 {code}：减 {amount}',
  notEnough: '仅剩 {n} 件',
  payFailedNetwork: '网络中断，没有收到结果。重试不会重复下单。',
  payFailed: '支付请求未能发送：{detail}',
  order: '订单',
  orderNumber: '订单 {id}',
  status: '状态',
  placed: '下单时间',
  item: '商品',
  unitPrice: '单价',
  lineTotal: '金额',
  cancelOrder: '取消订单',
  cancelRefund: '取消并退款',
  cancelling: '取消中…',
  cannotCancel: '此订单已无法取消。',
  noOrders: '还没有订单。',
  more: '显示更多',
  balance: '余额',
  entries: '明细',
  noEntries: '还没有明细。',
  kind: '类型',
  reference: '参考号',
  amount: '金额',
  date: '日期',
  following: '本页会实时跟踪订单，直到结束。',
  'status.PENDING': '处理中',
  'status.PAID': '已支付',
  'status.CANCELLED': '已取消',
  'status.CANCELLING': '退款中',
  'status.REFUNDED': '已退款',
  'kind.CREDIT': '充值',
  'kind.CHARGE': '支付',
  'kind.REFUND': '退款',
  'reason.OUT_OF_STOCK': '抱歉，有商品在为您预留前已售罄。您没有被扣款。',
  'reason.UNKNOWN_SKU': '购物车中有商品已下架。您没有被扣款。',
  'reason.COUPON_INVALID': '优惠码无效。您没有被扣款。',
  'reason.COUPON_EXPIRED': '优惠码已过期。您没有被扣款。',
  'reason.COUPON_EXHAUSTED': '优惠码已被用完。您没有被扣款。',
  'reason.COUPON_MIN_SUBTOTAL': '订单金额未达到优惠码的门槛。您没有被扣款。',
  'reason.INSUFFICIENT_FUNDS': '钱包余额不足。您没有被扣款。',
  'reason.PAYMENT_DECLINED': '支付被拒绝。您没有被扣款。',
  'reason.TIMEOUT': '订单未能及时完成。您没有被扣款。',
  'reason.CANCELLED_BY_CUSTOMER': '您在支付前取消了此订单。',
  'reason.other': '订单未能完成。您没有被扣款。',
  'refunded.note': '全部金额已退回您的钱包。',
  'coupon.COUPON_INVALID': '优惠码无效。',
  'coupon.COUPON_EXPIRED': '优惠码已过期。',
  'coupon.COUPON_EXHAUSTED': '优惠码已被用完。',
  'coupon.COUPON_MIN_SUBTOTAL': '订单金额未达到优惠码的门槛。',
  notFound: '页面不存在。',
  operatorSignIn: '运营登录',
  notOperator: '此账号不是运营账号。',
  sagas: 'Saga 列表',
  stuck: '卡住的',
  invariants: '不变量',
  live: '实时',
  operations: '操作',
  type: '类型',
  all: '全部',
  currentStep: '当前步骤',
  started: '开始',
  updated: '更新',
  saga: 'Saga {id}',
  timeline: '时间线',
  trace: '链路追踪',
  retrySaga: '重试已搁置的 Saga',
  attempt: '尝试',
  outcome: '结果',
  phase: '阶段',
  step: '步骤',
  failure: '失败',
  deadline: '截止时间',
  noSagas: '没有 Saga。',
  pastDeadline: '已过截止时间',
  parked: '已搁置',
  compensatingLong: '补偿时间过长',
  nothingStuck: '没有卡住的 Saga。',
  checksAtRest: '这些检查在没有进行中的 Saga 时成立；当前有 {n} 个进行中。',
  ok: '正常',
  violated: '违反',
  perMinute: '每分钟',
  sagasStarted: '启动的 Saga',
  sagasCompleted: '完成',
  sagasCompensated: '已补偿',
  sagasParked: '已搁置',
  outboxLag: '发件箱延迟',
  outboxLagNote:
    '各服务已写入发件箱、尚未发布的 Saga 消息数，以及最早一条等待了多久。各服务的 /metrics 另有 saga_outbox_lag_seconds：已发布消息从写入到发布的秒数。',
  service: '服务',
  unsent: '未发送',
  oldestAge: '最早等待（秒）',
  pastAdjustments: '历史库存调整',
  change: '变化',
  stockAfter: '调整后库存',
  when: '时间',
  noAdjustments: '还没有库存调整。',
  sampling: '每 {s} 秒采样；速率按最近一分钟计算。',
  stockAdjustment: '库存调整',
  sku: 'SKU',
  delta: '变化（+ 入库，− 出库）',
  adjust: '调整库存',
  walletCredit: '钱包充值',
  customerId: '客户 ID',
  amountCny: '金额（元）',
  credit: '充值',
  statement: '钱包明细',
  show: '查看',
  done: '完成：{what}',
  stock: '库存',
  onHand: '在库',
  reserved: '已预留',
  sold: '已售',
  paidQuantity: '已支付订单中',
  orderLink: '打开订单',
};

const dictionaries: Record<Lang, Record<Key, string>> = { en, zh };
const STORAGE = 'zt.lang';

export function browserLang(): Lang {
  const stored = localStorage.getItem(STORAGE);
  if (stored === 'zh' || stored === 'en') return stored;
  const first = (navigator.languages?.[0] ?? navigator.language ?? 'en').toLowerCase();
  return first.startsWith('zh') ? 'zh' : 'en';
}

export type Translate = (key: Key, vars?: Record<string, string | number>) => string;

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: Translate;
  locale: string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(browserLang);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  const setLang = (next: Lang) => {
    localStorage.setItem(STORAGE, next);
    setLangState(next);
  };
  const t: Translate = (key, vars) =>
    (dictionaries[lang][key] ?? en[key] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => String(vars?.[name] ?? ''));
  return (
    <I18nContext.Provider value={{ lang, setLang, t, locale: lang === 'zh' ? 'zh-CN' : 'en-GB' }}>
      {children}
    </I18nContext.Provider>
  );
}

export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (!context) throw new Error('useI18n outside I18nProvider');
  return context;
}

/** A key of the dictionaries built at run time (`status.PAID`), checked against them. */
export function dynamicKey(key: string): Key {
  return (key in en ? key : 'reason.other') as Key;
}

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <label className="lang">
      <span>{t('language')}</span>
      <select value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
        <option value="zh" lang="zh-CN">
          中文
        </option>
        <option value="en" lang="en">
          English
        </option>
      </select>
    </label>
  );
}
