import { type ArgumentsHost, Catch, type ExceptionFilter, Logger, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { throwError } from 'rxjs';
import { NoEndpointsError } from '../sd/errors/no-endpoints.error.js';
import { RetryError } from '../sd/errors/retry.error.js';
import { discoveryHttpAnswer } from '../sd/http/discovery-http-answer.js';
import { HttpEndpointError } from '../sd/http/http-endpoint.error.js';

/** The parts of a request and response this filter uses, Express and Fastify alike. */
interface HttpRequestLike {
  method?: string;
  url?: string;
}
interface ExpressResponseLike {
  status(code: number): { json(body: unknown): unknown };
}
interface FastifyReplyLike {
  code(code: number): { send(body: unknown): unknown };
}

/**
 * Answers a failed call through discovery as a gateway should, instead of Nest's bare 500:
 * no instance → 503 naming the service; a downstream 4xx → that status and body; attempts that
 * timed out → 504; attempts that failed → 502 (`discoveryHttpAnswer` has the rules). Logs one
 * line per failed call, its attempts in short (4xx at `log`, the rest at `warn`; a 500, an error
 * of the app's own code, at `error` with its stack).
 *
 * Apply it to the whole app, `{ provide: APP_FILTER, useClass: ZkDiscoveryExceptionFilter }` in a
 * module's providers or `app.useGlobalFilters(new ZkDiscoveryExceptionFilter(app.get(HttpAdapterHost)))`,
 * or to a controller with `@UseFilters(ZkDiscoveryExceptionFilter)`. HTTP only: in a
 * microservice the error goes on as it came.
 */
@Catch(NoEndpointsError, RetryError, HttpEndpointError)
export class ZkDiscoveryExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ZkDiscovery');

  constructor(@Optional() private readonly adapterHost?: HttpAdapterHost) {}

  catch(error: Error, host: ArgumentsHost): unknown {
    if (host.getType() === 'rpc') return throwError(() => error);
    if (host.getType() !== 'http') throw error;
    const answer = discoveryHttpAnswer(error);
    const http = host.switchToHttp();
    const request = http.getRequest<HttpRequestLike>();
    const line = `${request.method ?? '?'} ${request.url ?? '?'} → ${answer.status}: ${answer.summary}`;
    if (answer.status < 500) this.logger.log(line);
    else if (answer.status === 500) this.logger.error(line, error.stack);
    else this.logger.warn(line);
    this.reply(http.getResponse(), answer.body, answer.status);
    return undefined;
  }

  private reply(response: unknown, body: unknown, status: number): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (adapter) {
      adapter.reply(response, body, status);
    } else if (typeof (response as ExpressResponseLike).status === 'function') {
      (response as ExpressResponseLike).status(status).json(body);
    } else {
      (response as FastifyReplyLike).code(status).send(body);
    }
  }
}
