export * from './catalogue';
export * from './coupon';
export * from './failure-reasons';
export * from './inventory';
export * from './payment';
export * from './order';
export * from './outbox';
export * from './pricing';
