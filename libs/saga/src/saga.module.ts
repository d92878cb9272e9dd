import {
  BeforeApplicationShutdown,
  DynamicModule,
  Injectable,
  InjectionToken,
  Module,
  ModuleMetadata,
  OnApplicationBootstrap,
  OnModuleInit,
  SetMetadata,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { AnyCommand } from './definition/command';
import { SagaOrchestrator } from './orchestrator/saga-orchestrator';
import { SagaQueries } from './orchestrator/saga-queries';
import type { CommandHandler, HandlerOptions } from './participant/participant-runtime';
import { SagaRuntime, SagaRuntimeOptions } from './saga-runtime';

const COMMAND_HANDLER = Symbol('saga:command-handler');
const HANDLER_OPTIONS = Symbol('saga:handler-options');
const SAGA_RUNTIME_OPTIONS = Symbol('saga:options');

/**
 * Marks a provider's method as the handler of a saga command. The method runs inside the
 * participant's transaction behind the barrier; it returns `success(output)` or
 * `failure(reason)` (or `replyLater()`, see deliverLateReply) and throws only for transient errors.
 * Its actions share transactions with others waiting at the same time unless `options.alone`.
 */
export function SagaCommandHandler<C extends AnyCommand>(command: C, options: HandlerOptions = {}) {
  return <H extends CommandHandler<C>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<H>,
  ) => {
    SetMetadata(COMMAND_HANDLER, command)(target, key, descriptor);
    SetMetadata(HANDLER_OPTIONS, options)(target, key, descriptor);
  };
}

@Injectable()
class SagaLifecycle implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly runtime: SagaRuntime,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      for (const name of this.scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const method = instance[name] as CommandHandler<AnyCommand>;
        const command = this.reflector.get<AnyCommand | undefined>(COMMAND_HANDLER, method);
        const options = this.reflector.get<HandlerOptions | undefined>(HANDLER_OPTIONS, method);
        if (command) this.runtime.participant.register(command, method.bind(instance), options);
      }
    }
  }

  onApplicationBootstrap(): Promise<void> {
    return this.runtime.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.runtime.stop();
  }
}

export interface SagaModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: InjectionToken[];
  useFactory: (...args: never[]) => SagaRuntimeOptions | Promise<SagaRuntimeOptions>;
}

/**
 * Wires libs/saga into a Nest application: provides SagaOrchestrator (start and re-drive
 * sagas) and SagaQueries (the saga log for operators), registers every
 * `@SagaCommandHandler`, and starts and stops the runtime with the application.
 */
@Module({})
export class SagaModule {
  static forRootAsync(options: SagaModuleAsyncOptions): DynamicModule {
    return {
      module: SagaModule,
      global: true,
      imports: [DiscoveryModule, ...(options.imports ?? [])],
      providers: [
        { provide: SAGA_RUNTIME_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        {
          provide: SagaRuntime,
          inject: [SAGA_RUNTIME_OPTIONS],
          useFactory: (runtimeOptions: SagaRuntimeOptions) => new SagaRuntime(runtimeOptions),
        },
        {
          provide: SagaOrchestrator,
          inject: [SagaRuntime],
          useFactory: (runtime: SagaRuntime) => runtime.orchestrator,
        },
        { provide: SagaQueries, inject: [SagaRuntime], useFactory: (runtime: SagaRuntime) => runtime.queries },
        SagaLifecycle,
      ],
      exports: [SagaRuntime, SagaOrchestrator, SagaQueries],
    };
  }
}
