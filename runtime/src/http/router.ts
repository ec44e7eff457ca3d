// Matches a request to a function's routes (`:param` segments), for every HTTP host of the runtime.
import type { HttpRoute } from '@sinbin/contract';

export interface MatchedRoute {
  route: HttpRoute;
  params: Record<string, string>;
}

export function matchRoute(routes: readonly HttpRoute[], method: string, path: string): MatchedRoute | 'method-not-allowed' | undefined {
  const parts = path.split('/').filter(Boolean);
  let pathMatched = false;
  for (const route of routes) {
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < pattern.length; i++) {
      const p = pattern[i]!;
      if (p.startsWith(':')) {
        try {
          params[p.slice(1)] = decodeURIComponent(parts[i]!);
        } catch {
          ok = false;
          break;
        }
      } else if (p !== parts[i]) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    pathMatched = true;
    if (route.method === method) return { route, params };
  }
  return pathMatched ? 'method-not-allowed' : undefined;
}
