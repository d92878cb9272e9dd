import { Body, Controller, Get, Header, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import type { ProviderPaymentView } from '@zhongtai/contracts';
import { IsString, MaxLength } from 'class-validator';
import { answer } from '../http/refusal';
import { PaymentIdParams, PayRequest } from './payment.requests';
import { PaymentsService } from './payments.service';

class PayPageQuery {
  @IsString()
  @MaxLength(200)
  token!: string;
}

/** The customer's side: the pay page a payUrl opens, and the payment it submits (the pay token is the key). */
@Controller()
export class PayController {
  constructor(private readonly payments: PaymentsService) {}

  @Post('v1/payments/:id/pay')
  @HttpCode(HttpStatus.OK)
  async payPayment(@Param() { id }: PaymentIdParams, @Body() request: PayRequest): Promise<ProviderPaymentView> {
    return answer(await this.payments.payPayment(id, request.payToken, (request.outcome ?? 'succeed') === 'succeed'));
  }

  @Get('pay/:id')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', "default-src 'none'; script-src 'unsafe-inline'; connect-src 'self'")
  async payPage(@Param() { id }: PaymentIdParams, @Query() { token }: PayPageQuery): Promise<string> {
    const payment = answer(await this.payments.findPayment(id));
    const amount = `${(payment.amountCents / 100).toFixed(2)} ${payment.currency}`;
    return `<!doctype html><title>Pay ${amount}</title>
<h1>Pay ${amount}</h1><p id="state">${payment.status}</p>
<button onclick="pay('succeed')">Pay</button> <button onclick="pay('fail')">Decline</button>
<script>
async function pay(outcome) {
  const r = await fetch(${scriptLiteral(`/v1/payments/${id}/pay`)}, { method: 'POST',
    headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payToken: ${scriptLiteral(token)}, outcome }) });
  document.getElementById('state').textContent = (await r.json()).status ?? r.status;
}
</script>`;
  }
}

/** A JSON literal that cannot close the script element it is written into. */
function scriptLiteral(value: string): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
