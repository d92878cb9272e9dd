import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { PaymentRpc } from '@zhongtai/contracts';
import type {
  ReconciliationFinding,
  ReconciliationFindingKind,
  ReconciliationFindingsPage,
  ReconciliationReport,
} from '@zhongtai/contracts';
import { InjectRpcClient, ServiceRpcClient } from '@zhongtai/platform';
import { Matches } from 'class-validator';
import { Audience } from '../auth/principal';
import { ApiProblemResponses } from '../http/api-problem-responses';
import { LimitQuery } from '../http/list-query';

const FINDING_KINDS: ReconciliationFindingKind[] = [
  'MISSED_NOTIFICATION',
  'PAID_AFTER_GIVING_UP',
  'UNKNOWN_PAYMENT',
  'AMOUNT_MISMATCH',
  'MISSING_AT_PROVIDER',
  'UNKNOWN_REFUND',
];

export class ReconcileDayRequest {
  @ApiProperty({
    example: '2026-12-03',
    pattern: '^\\d{4}-\\d{2}-\\d{2}$',
    description: "The provider's statement day (UTC)",
  })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be a day as YYYY-MM-DD' })
  date!: string;
}

export class ReconciliationFindingResponse implements ReconciliationFinding {
  @ApiProperty({ format: 'date' }) statementDate!: string;
  @ApiProperty() orderId!: string;
  @ApiProperty({ type: String, nullable: true }) providerPaymentId!: string | null;
  @ApiProperty({ enum: FINDING_KINDS }) kind!: ReconciliationFindingKind;
  @ApiProperty() detail!: string;
  @ApiProperty({ description: 'Repaired by the reconciliation; false: an operator has to look at it' })
  repaired!: boolean;
  @ApiProperty({ format: 'date-time' }) foundAt!: string;
}

export class ReconciliationReportResponse implements ReconciliationReport {
  @ApiProperty({ format: 'date' }) date!: string;
  @ApiProperty({ description: "Payments the provider's statement lists as succeeded that day" }) successes!: number;
  @ApiProperty() refunds!: number;
  @ApiProperty({ type: [ReconciliationFindingResponse], description: 'What this run found that no run found before' })
  findings!: ReconciliationFindingResponse[];
}

export class ReconciliationFindingsResponse implements ReconciliationFindingsPage {
  @ApiProperty({ type: [ReconciliationFindingResponse], description: 'Newest first' })
  items!: ReconciliationFindingResponse[];
}

/** The reconciliation of the provider's daily statements with the payment service's books. */
@ApiTags('admin')
@ApiBearerAuth()
@Audience('operator')
@Controller('admin/payments/reconciliation')
export class AdminReconciliationController {
  constructor(@InjectRpcClient('payment') private readonly payments: ServiceRpcClient) {}

  @Get()
  @ApiOkResponse({ type: ReconciliationFindingsResponse })
  @ApiProblemResponses(400, 401, 403, 429)
  listFindings(@Query() query: LimitQuery): Promise<ReconciliationFindingsPage> {
    return this.payments.request<ReconciliationFindingsPage>(PaymentRpc.reconciliationFindings, { limit: query.limit });
  }

  /** Reconciles one day now (it also runs by itself for yesterday and today); 404 NO_PROVIDER without a provider. */
  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: ReconciliationReportResponse })
  @ApiProblemResponses(400, 401, 403, 404, 429, 502, 504)
  reconcileDay(@Body() { date }: ReconcileDayRequest): Promise<ReconciliationReport> {
    return this.payments.request<ReconciliationReport>(PaymentRpc.reconcile, { date });
  }
}
