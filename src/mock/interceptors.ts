import type { InterceptorRegistration, InterceptorTrigger } from '../protocol/control-hooks.js';
import type { MockState } from './state.js';

// Auth-flow interceptors (OTH-001..OTH-005, WHS-008): what the `interceptors` hook registers, and the call the mock
// makes at each trigger. (Being written: issue 20.)

/** What a trigger's interceptor decided, or the fail policy decided for it. */
export type InterceptorOutcome =
  | { decision: 'ALLOW'; claims?: Record<string, unknown> }
  | { decision: 'DENY'; message: string };

export function interceptorRegistry(state: MockState): Partial<Record<InterceptorTrigger, InterceptorRegistration>> {
  return state.slice('control.interceptors', () => ({}));
}

/** Calls the trigger's interceptor, if one is registered; ALLOW without one. */
export async function callInterceptor(
  state: MockState,
  trigger: InterceptorTrigger,
  _data: Record<string, unknown>,
): Promise<InterceptorOutcome> {
  if (!interceptorRegistry(state)[trigger]) return { decision: 'ALLOW' };
  return { decision: 'ALLOW' };
}
