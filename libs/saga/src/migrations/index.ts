import { CreateSagaTables1764000000001 } from './1764000000001-create-saga-tables';
import { SagaTimelineWithoutForeignKey1764700000000 } from './1764700000000-saga-timeline-without-foreign-key';
import { SagaInstanceParkedIndex1764800000000 } from './1764800000000-saga-instance-parked-index';

/** The library's migrations; every service that uses libs/saga lists them before its own. */
export const sagaMigrations = [
  CreateSagaTables1764000000001,
  SagaTimelineWithoutForeignKey1764700000000,
  SagaInstanceParkedIndex1764800000000,
];
