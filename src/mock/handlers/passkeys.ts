import type { HttpHandler } from 'msw';
import type { components } from '../../../generated/openapi.js';
import { badRequest, notFound, route } from '../route.js';
import type { MockState } from '../state.js';
import { readString } from './connected-accounts.js';

export type WebAuthnCredential = components['schemas']['webauthnWebAuthnCredential'];

function credentials(state: MockState): Map<string, WebAuthnCredential> {
  return state.slice('webauthn-credentials', () => new Map<string, WebAuthnCredential>());
}

function requireCredential(state: MockState, id: string): WebAuthnCredential {
  const credential = credentials(state).get(id);
  if (!credential) throw notFound(`passkey ${id}`);
  return credential;
}

// WebAuthn's signal methods (signalUnknownCredential, signalAllAcceptedCredentials) take credential IDs as
// base64url, while the credential object carries the raw ID as standard base64.
const toBase64url = (base64: string) => Buffer.from(base64, 'base64').toString('base64url');

/**
 * Registers a passkey as if the user had enrolled one: the API has no create operation, so tests and hooks seed
 * them. Fields not given get plausible defaults; `user_id` is the one that matters for listing.
 */
export function seedPasskey(
  state: MockState,
  fields: Partial<WebAuthnCredential> & { user_id: string },
): WebAuthnCredential {
  const now = state.nowIso();
  const credential: WebAuthnCredential = {
    id: state.id('cred_'),
    credential_id: Buffer.from(state.secret(32)).toString('base64'),
    display_name: 'Passkey',
    attestation_type: 'none',
    transports: ['internal', 'hybrid'],
    authenticator: {
      aaguid: '00000000-0000-0000-0000-000000000000',
      attachment: 'platform',
      name: 'Mock Authenticator',
    },
    authenticator_flags: { backup_eligible: true, backup_state: true, user_present: true, user_verified: true },
    client_info: { ip: '192.0.2.1', city: 'San Francisco', region: 'US', region_subdivision: 'CA' },
    user_agent: {
      browser: 'Chrome',
      browser_version: '120.0.6099.129',
      os: 'macOS',
      os_version: '14.2',
      device_type: 'desktop',
    },
    created_at: now,
    updated_at: now,
    ...fields,
  };
  const id = credential.id ?? '';
  if (credentials(state).has(id)) throw new Error(`passkey ${id} is already seeded`);
  credentials(state).set(id, credential);
  return credential;
}

export function passkeyHandlers(state: MockState): HttpHandler[] {
  return [
    route(state, 'get', '/api/v1/webauthn/credentials', ({ query, request }) => {
      // With an API client's token there is no current user: without user_id every passkey is listed.
      const userId = query.get('user_id') || undefined;
      const listed = [...credentials(state).values()].filter((c) => !userId || c.user_id === userId);
      return {
        status: 200,
        body: {
          credentials: listed,
          all_accepted_credentials_options: {
            rp_id: new URL(request.url).hostname,
            ...(userId ? { user_id: userId } : {}),
            all_accepted_credential_ids: listed.map((c) => toBase64url(c.credential_id ?? '')),
          },
        },
      };
    }),

    route(state, 'patch', '/api/v1/webauthn/credentials/{credential_id}', ({ params, body }) => {
      const credential = requireCredential(state, params.credential_id ?? '');
      const displayName = readString(body as Record<string, unknown>, 'display_name')?.trim();
      if (!displayName || displayName.length > 120) throw badRequest('display_name must be 1-120 characters');
      credential.display_name = displayName;
      credential.updated_at = state.nowIso();
      return { status: 200, body: { credential } };
    }),

    route(state, 'delete', '/api/v1/webauthn/credentials/{credential_id}', ({ params, request }) => {
      const credential = requireCredential(state, params.credential_id ?? '');
      credentials(state).delete(credential.id ?? '');
      return {
        status: 200,
        body: {
          success: true,
          unknown_credential_options: {
            credential_id: toBase64url(credential.credential_id ?? ''),
            rp_id: new URL(request.url).hostname,
          },
        },
      };
    }),
  ];
}
