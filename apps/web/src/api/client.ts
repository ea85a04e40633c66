import createClient, { type Middleware } from 'openapi-fetch';
import { ApiError, csrfToken, reportApiError } from './core';
import type { paths } from './schema';
import type { Problem } from './types';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session cookie goes by itself (same origin); every unsafe request also carries the CSRF token, and each asks for JSON. */
const auth: Middleware = {
  onRequest({ request }) {
    const csrf = csrfToken();
    if (csrf && !SAFE.has(request.method.toUpperCase())) request.headers.set('X-CSRF-Token', csrf);
    request.headers.set('Accept', 'application/json');
    return request;
  },
};

/**
 * The REST API's client, generated from its OpenAPI document (docs/openapi.json, turned into
 * ./schema.d.ts by `npm run api:types`): paths, parameters and bodies are checked against it.
 */
export const client = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
client.use(auth);

/**
 * The answer's body, or an ApiError carrying the problem+json the API sent (status 0 when it
 * could not be reached). Every error answer is also told to onApiError's listeners.
 */
export async function ok<Data>(call: Promise<{ data?: Data; error?: unknown; response: Response }>): Promise<Answer<Data>> {
  let answer: { data?: Data; error?: unknown; response: Response };
  try {
    answer = await call;
  } catch {
    throw new ApiError({ status: 0 });
  }
  if (!answer.response.ok) {
    const body = answer.error;
    const problem: Problem = { status: answer.response.status, ...(typeof body === 'object' && body ? (body as object) : {}) };
    if (!problem.code && answer.response.status === 404) problem.code = 'NOT_FOUND';
    const error = new ApiError(problem);
    reportApiError(error);
    throw error;
  }
  return answer.data as Answer<Data>;
}

/** What a call answers: its body, or nothing for 204 No Content. */
type Answer<Data> = [Data] extends [never] ? undefined : Data;
