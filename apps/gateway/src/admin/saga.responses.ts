import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const STATUSES = ['RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'PARKED'];

export class SagaSummaryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'checkout' }) type!: string;
  @ApiProperty({ enum: STATUSES }) status!: string;
  @ApiProperty({ type: String, nullable: true, example: 'chargeWallet' }) currentStep!: string | null;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class SagaPageResponse {
  @ApiProperty({ type: [SagaSummaryResponse] }) items!: SagaSummaryResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

class TimelineEntryResponse {
  @ApiProperty() step!: number;
  @ApiProperty({ example: 'reserveStock' }) stepName!: string;
  @ApiProperty({ enum: ['action', 'compensation'] }) phase!: string;
  @ApiProperty() attempt!: number;
  @ApiProperty({
    enum: [
      'dispatched',
      'succeeded',
      'failed',
      'timed-out',
      'skipped',
      'parked',
      'redriven',
      'completed',
      'compensated',
    ],
  })
  outcome!: string;
  @ApiPropertyOptional({ example: 'OUT_OF_STOCK' }) reason?: string;
  @ApiPropertyOptional() error?: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class SagaDetailResponse extends SagaSummaryResponse {
  @ApiProperty() version!: number;
  @ApiProperty() definitionVersion!: number;
  @ApiProperty() attempt!: number;
  @ApiProperty({ type: Object, nullable: true, example: { step: 'reserveStock', reason: 'OUT_OF_STOCK' } })
  failure!: { step: string; reason: string } | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) deadlineAt!: string | null;
  @ApiProperty({ type: Object }) data!: unknown;
  @ApiProperty({ type: Object }) outputs!: Record<string, unknown>;
  @ApiProperty({
    type: String,
    nullable: true,
    pattern: '^[0-9a-f]{32}$',
    description: 'The W3C trace id of every message of the saga: its trace in the trace viewer, with tracing on',
  })
  traceId!: string | null;
  @ApiProperty({ type: [TimelineEntryResponse] }) timeline!: TimelineEntryResponse[];
}
