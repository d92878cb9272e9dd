import { CreateSagaTables1764000000001 } from './migrations/1764000000001-create-saga-tables';

/** The library's migrations; every service that uses libs/saga lists them before its own. */
export const sagaMigrations = [CreateSagaTables1764000000001];
