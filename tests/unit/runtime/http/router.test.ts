import { describe, expect, it } from 'vitest';
import { type HttpRoute, isStreaming, json, problem } from '@sinbin/contract';
import { matchRoute } from '../../../../runtime/src/http/router';

const handler = () => json(200, {});
const routes: HttpRoute[] = [
  { method: 'POST', path: '/v1/messages', handler },
  { method: 'GET', path: '/v1/decisions/:messageId', handler },
  { method: 'GET', path: '/v1/cases', handler },
  { method: 'GET', path: '/v1/cases/:caseId', handler },
  { method: 'POST', path: '/v1/cases/:caseId/verdict', handler },
  { method: 'POST', path: '/', handler },
];

describe('matchRoute', () => {
  it.each([
    { method: 'POST', path: '/v1/messages', route: '/v1/messages', params: {} },
    { method: 'POST', path: '/v1/messages/', route: '/v1/messages', params: {}, why: 'a trailing slash' },
    { method: 'GET', path: '/v1/decisions/abc-123', route: '/v1/decisions/:messageId', params: { messageId: 'abc-123' } },
    { method: 'GET', path: '/v1/decisions/a%2Fb%20c', route: '/v1/decisions/:messageId', params: { messageId: 'a/b c' }, why: 'params are URL-decoded' },
    { method: 'GET', path: '/v1/cases', route: '/v1/cases', params: {} },
    { method: 'GET', path: '/v1/cases/c1', route: '/v1/cases/:caseId', params: { caseId: 'c1' } },
    { method: 'POST', path: '/v1/cases/c1/verdict', route: '/v1/cases/:caseId/verdict', params: { caseId: 'c1' } },
    { method: 'POST', path: '/', route: '/', params: {} },
  ])('$method $path -> $route', ({ method, path, route, params }) => {
    const m = matchRoute(routes, method, path);
    expect(m).not.toBe('method-not-allowed');
    expect(m && m !== 'method-not-allowed' && m.route.path).toBe(route);
    expect(m && m !== 'method-not-allowed' && m.params).toEqual(params);
  });

  it.each([
    { method: 'GET', path: '/v1/messages', want: 'method-not-allowed' },
    { method: 'DELETE', path: '/v1/cases/c1', want: 'method-not-allowed' },
    { method: 'GET', path: '/v1/nothing', want: undefined },
    { method: 'GET', path: '/v1/decisions', want: undefined, why: 'a missing param segment' },
    { method: 'GET', path: '/v1/decisions/a/b', want: undefined, why: 'an extra segment' },
    { method: 'GET', path: '/v1/decisions/%E0%A4%A', want: undefined, why: 'a malformed escape does not match (and does not throw)' },
  ])('$method $path -> $want', ({ method, path, want }) => {
    expect(matchRoute(routes, method, path)).toBe(want);
  });

  it('takes the first route that matches', () => {
    const first: HttpRoute = { method: 'GET', path: '/x/:id', handler };
    const second: HttpRoute = { method: 'GET', path: '/x/fixed', handler };
    const m = matchRoute([first, second], 'GET', '/x/fixed');
    expect(m !== 'method-not-allowed' && m?.route).toBe(first);
  });
});

describe('responses', () => {
  it('problem is the JSON error body every API uses', () => {
    expect(problem(409, 'already-decided', 'this case already has a verdict', { 'retry-after': '1' })).toEqual({
      status: 409,
      body: { error: 'already-decided', message: 'this case already has a verdict' },
      headers: { 'retry-after': '1' },
    });
  });

  it('isStreaming tells a streaming response from a plain one', () => {
    expect(isStreaming(json(200, {}))).toBe(false);
    expect(isStreaming({ stream: () => undefined })).toBe(true);
  });
});
