/** A client-credentials access token from a target's token endpoint (tests only; no caching, no retries). */
export async function clientCredentialsToken(
  baseUrl: string,
  credentials: { clientId: string; clientSecret: string },
): Promise<string> {
  const response = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    }),
  });
  if (!response.ok) throw new Error(`token request to ${baseUrl} failed with ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
