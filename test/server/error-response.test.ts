import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../../src/errors.js';
import { renderError, toGatehouseError } from '../../src/server/error-response.js';

describe('renderError', () => {
  it('renders OpenAI shape with param and known code', () => {
    const rendered = renderError(new GatehouseError('GH_ERR_MODEL_NOT_FOUND', 'no such model', { param: 'model' }), 'openai', 'req_1');
    expect(rendered.status).toBe(404);
    expect(JSON.parse(rendered.body)).toEqual({ error: { message: 'no such model', type: 'invalid_request_error', param: 'model', code: 'model_not_found' } });
    expect(rendered.headers['x-gatehouse-error']).toBe('GH_ERR_MODEL_NOT_FOUND');
  });

  it('renders Anthropic shape with the request id', () => {
    const rendered = renderError(new GatehouseError('GH_ERR_BODY_TOO_LARGE'), 'anthropic', 'req_2');
    expect(rendered.status).toBe(413);
    expect(JSON.parse(rendered.body)).toEqual({ type: 'error', error: { type: 'request_too_large', message: 'The request body is too large.' }, request_id: 'req_2' });
  });

  it('sends retry-after in whole seconds, at least one', () => {
    expect(renderError(new GatehouseError('GH_ERR_UPSTREAM_RATE_LIMITED', undefined, { retryAfterSeconds: 0.2 }), 'openai', 'r').headers['retry-after']).toBe('1');
    expect(renderError(new GatehouseError('GH_ERR_UPSTREAM_RATE_LIMITED', undefined, { retryAfterSeconds: 12.1 }), 'openai', 'r').headers['retry-after']).toBe('13');
  });

  it('never sends detail', () => {
    const rendered = renderError(new GatehouseError('GH_ERR_UPSTREAM_ERROR', undefined, { detail: 'http://10.0.0.5:8000 said 500' }), 'openai', 'r');
    expect(rendered.body).not.toContain('10.0.0.5');
  });
});

describe('toGatehouseError', () => {
  it('maps framework errors to codes', () => {
    expect(toGatehouseError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }).code).toBe('GH_ERR_BODY_TOO_LARGE');
    expect(toGatehouseError(Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 })).code).toBe('GH_ERR_BAD_JSON');
    expect(toGatehouseError({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }).code).toBe('GH_ERR_BAD_REQUEST');
  });

  it('hides anything unknown behind a generic internal error', () => {
    const error = toGatehouseError(new Error('relation "usage_records" does not exist at SELECT * FROM secret'));
    expect(error.code).toBe('GH_ERR_INTERNAL');
    expect(error.message).toBe('Internal error.');
  });
});
