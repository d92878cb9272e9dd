import { SetMetadata } from '@nestjs/common';

export const INFRASTRUCTURE_ROUTE = 'zhongtai:infrastructure-route';

/**
 * Marks health and metrics routes: probes and scrapers reach them without a token and
 * without counting against rate limits.
 */
export const InfrastructureRoute = (): MethodDecorator & ClassDecorator => SetMetadata(INFRASTRUCTURE_ROUTE, true);
