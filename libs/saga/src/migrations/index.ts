import { CreateSagaTables1764000000001 } from './1764000000001-create-saga-tables';
import { SagaTimelineWithoutForeignKey1764700000000 } from './1764700000000-saga-timeline-without-foreign-key';

/** The library's migrations; every service that uses libs/saga lists them before its own. */
export const sagaMigrations = [CreateSagaTables1764000000001, SagaTimelineWithoutForeignKey1764700000000];
