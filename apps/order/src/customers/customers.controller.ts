import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { OrderRpc } from '@zhongtai/contracts';
import type { AuthenticateRequest, CreateCustomerRequest } from '@zhongtai/contracts';
import { CustomersService } from './customers.service';

@Controller()
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @MessagePattern(OrderRpc.createCustomer)
  createCustomer(@Payload() request: CreateCustomerRequest): Promise<{ id: string }> {
    return this.customers.createCustomer(request.email, request.password, request.name);
  }

  @MessagePattern(OrderRpc.authenticate)
  authenticate(@Payload() request: AuthenticateRequest): Promise<{ customerId: string } | null> {
    return this.customers.authenticate(request.email, request.password);
  }

  @MessagePattern(OrderRpc.findCustomer)
  async findCustomer(@Payload() request: { customerId: string }): Promise<{ exists: boolean }> {
    return { exists: await this.customers.exists(request.customerId) };
  }
}
