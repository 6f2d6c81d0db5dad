// Helpers of the GraphQL e2e spec (test/e2e/transport-graphql.e2e-spec.ts): the
// GraphQL module with Apollo (code-first, schema built in memory: no file, no
// ts-morph) and GraphQL requests over real HTTP.
import { DynamicModule } from '@nestjs/common';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import type { TestApp } from './test-app';

/** GraphQLModule.forRoot with Apollo on Express at /graphql, schema from the resolvers' decorators, in memory. */
export function apolloModule(): DynamicModule {
  return GraphQLModule.forRoot<ApolloDriverConfig>({
    driver: ApolloDriver,
    autoSchemaFile: true,
    playground: false,
    // Apollo's own stack traces in error responses: noise for the assertions.
    includeStacktraceInErrorResponses: false,
  });
}

export interface GraphqlResponse {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  requestId: string | null;
}

/** POSTs one GraphQL operation to `/graphql` as a JSON body (with an `x-request-id` header when given). */
export async function graphql(
  t: TestApp,
  query: string,
  { variables, operationName, requestId }: { variables?: Record<string, unknown>; operationName?: string; requestId?: string } = {},
): Promise<GraphqlResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (requestId !== undefined) headers['x-request-id'] = requestId;
  const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables, operationName }) });
  return { status: res.status, body: (await res.json()) as GraphqlResponse['body'], requestId: res.headers.get('x-request-id') };
}
