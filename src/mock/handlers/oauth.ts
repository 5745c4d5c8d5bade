import { HttpResponse, http } from 'msw';
import type { MockState } from '../state.js';

/** RFC 6749 error body; the token endpoint is outside the spec, so it follows the RFC, not errdetailsErrorInfo. */
const oauthError = (status: number, error: string, description: string) =>
  HttpResponse.json({ error, error_description: description }, { status });

export function oauthHandlers(state: MockState) {
  return [
    http.post('*/oauth/token', async ({ request }) => {
      const type = request.headers.get('content-type') ?? '';
      if (!type.includes('application/x-www-form-urlencoded')) {
        return oauthError(400, 'invalid_request', 'the token request must be form-encoded');
      }
      const form = new URLSearchParams(await request.text());
      const grantType = form.get('grant_type');
      if (grantType !== 'client_credentials') {
        return oauthError(400, 'unsupported_grant_type', `grant_type ${grantType ?? '(missing)'} is not supported`);
      }
      const { clientId, clientSecret } = state.credentials;
      if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
        return oauthError(401, 'invalid_client', 'unknown client or wrong client secret');
      }
      const accessToken = `mock_at_${state.secret(32)}`;
      state.tokens.set(accessToken, {
        clientId,
        expiresAt: state.clock.now() + state.tokenLifetimeSeconds * 1000,
      });
      return HttpResponse.json({
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: state.tokenLifetimeSeconds,
        scope: '',
      });
    }),
  ];
}
