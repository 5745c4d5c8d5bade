/** A client-credentials access token from a target's token endpoint (tests only; no caching, no retries). */
export async function clientCredentialsToken(
  baseUrl: string,
  credentials: { clientId: string; clientSecret: string },
): Promise<string> {
  const { status, json } = await postToken(baseUrl, {
    grant_type: 'client_credentials',
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
  });
  if (status < 200 || status >= 300) throw new Error(`token request to ${baseUrl} failed with ${status}`);
  return json.access_token as string;
}

/** A form POST to a target's token endpoint: its status, headers and JSON body, whatever they are (tests only). */
export async function postToken(baseUrl: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  };
}

/** An authorization code redeemed by a confidential client (its secret in the form), with `extra` fields. */
export const exchangeCode = (
  baseUrl: string,
  credentials: { clientId: string; clientSecret: string },
  code: string,
  redirectUri: string,
  extra: Record<string, string> = {},
) =>
  postToken(baseUrl, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    ...extra,
  });
