import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';

export type Role = 'customer' | 'operator';

/** The roles, which are also the audiences (`aud`) of access tokens. */
export const ROLES: readonly Role[] = ['customer', 'operator'];

/** Who is calling, from a verified access token. */
export interface Principal {
  /** The customer's id, or `operator`. */
  subject: string;
  role: Role;
}

export const ROUTE_AUDIENCE = 'zhongtai:route-audience';

/** Who may call a route: `public` needs no token; otherwise the token's role must match. */
export type Audience = Role | 'public';

export const Audience = (audience: Audience): MethodDecorator & ClassDecorator => SetMetadata(ROUTE_AUDIENCE, audience);

export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest().principal,
);
