import { Controller, Get, HttpStatus, Param, UseGuards } from '@nestjs/common';
import type { ProviderStatement } from '@zhongtai/contracts';
import { ProblemException } from '@zhongtai/platform';
import { Matches } from 'class-validator';
import { MerchantAuthGuard } from '../http/merchant-auth.guard';
import { StatementsService } from './statements.service';

class StatementParams {
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be a day as YYYY-MM-DD' })
  date!: string;
}

/** The daily statement the merchant reconciles its books with. */
@UseGuards(MerchantAuthGuard)
@Controller('v1/statements')
export class StatementsController {
  constructor(private readonly statements: StatementsService) {}

  @Get(':date')
  async statementOf(@Param() { date }: StatementParams): Promise<ProviderStatement> {
    const day = new Date(`${date}T00:00:00Z`);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== date) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', `${date} is not a day of the calendar`);
    }
    return this.statements.statementOf(date);
  }
}
