import { redactShapes } from '../reporters/redact.js';
import type { Exchange } from './transport.js';

// Replay lines must be safe to paste into a bug report and must run as they are: every secret is replaced by a
// shell variable the reader sets themselves (`scalekit-conformance token --target URL` prints the access token),
// double-quoted so it expands, while everything else stays single-quoted and literal.

const dropped = new Set(['user-agent', 'content-length', 'host', 'connection', 'accept-encoding']);

/** Form or query parameters a replay takes from the environment, and the variable each becomes. */
const parameterVariables: Record<string, string> = {
  client_secret: 'SCALEKIT_CLIENT_SECRET',
  access_token: 'SCALEKIT_ACCESS_TOKEN',
  id_token_hint: 'SCALEKIT_ID_TOKEN',
  id_token: 'SCALEKIT_ID_TOKEN',
  code: 'SCALEKIT_AUTH_CODE',
  refresh_token: 'SCALEKIT_REFRESH_TOKEN',
};
/** Variables that hold something single-use or session-bound: the reader must obtain a fresh one. */
const obtainAgain: Record<string, string> = {
  SCALEKIT_ID_TOKEN: 'an ID token from a fresh sign-in',
  SCALEKIT_AUTH_CODE: 'a fresh authorization code (codes are single-use)',
  SCALEKIT_REFRESH_TOKEN: 'a refresh token from a fresh sign-in',
};

const variableReference = /\$(SCALEKIT_[A-Z_]+)/g;

/** Replaces the values of secret parameters in a form body or query string by `$VARIABLE` references. */
function substituteParameters(text: string): string {
  return text.replace(
    /(^|[?&#])(client_secret|access_token|id_token_hint|id_token|code|refresh_token)=[^&#]*/g,
    (_, lead: string, name: string) => `${lead}${name}=$${parameterVariables[name]}`,
  );
}

export function redactFormBody(body: string): string {
  return body.replace(/(^|&)client_secret=[^&]*/g, '$1client_secret=$SCALEKIT_CLIENT_SECRET');
}

/**
 * One shell word: literal parts (with every secret shape masked) in single quotes, `$SCALEKIT_…` references in
 * double quotes right beside them, so only the variables expand.
 */
function shellWord(text: string): string {
  const parts: string[] = [];
  let last = 0;
  for (const match of text.matchAll(variableReference)) {
    if (match.index > last) parts.push(singleQuoted(redactShapes(text.slice(last, match.index))));
    parts.push(`"${match[0]}"`);
    last = match.index + match[0].length;
  }
  if (last < text.length || parts.length === 0) parts.push(singleQuoted(redactShapes(text.slice(last))));
  return parts.join('');
}

const singleQuoted = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

export function toCurl(exchange: Pick<Exchange, 'method' | 'url' | 'requestHeaders' | 'requestBody'>): string {
  // Only the query and the fragment carry parameters; the path stays as it is.
  const queryAt = exchange.url.search(/[?#]/);
  const url =
    queryAt < 0 ? exchange.url : exchange.url.slice(0, queryAt) + substituteParameters(exchange.url.slice(queryAt));
  const parts = ['curl', '-sS', '-X', exchange.method, shellWord(url)];
  for (const [name, value] of Object.entries(exchange.requestHeaders)) {
    const lower = name.toLowerCase();
    if (dropped.has(lower)) continue;
    if (lower === 'authorization') {
      parts.push(
        '-H',
        /^bearer\s/i.test(value) ? '"Authorization: Bearer $SCALEKIT_ACCESS_TOKEN"' : "'Authorization: [REDACTED]'",
      );
      continue;
    }
    parts.push('-H', shellWord(`${lower}: ${value}`));
  }
  if (exchange.requestBody) {
    const contentType =
      Object.entries(exchange.requestHeaders).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
    const body = contentType.includes('x-www-form-urlencoded')
      ? substituteParameters(exchange.requestBody)
      : exchange.requestBody;
    parts.push('--data-raw', shellWord(body));
  }
  const line = parts.join(' ');
  const fresh = [...new Set([...line.matchAll(variableReference)].map((m) => m[1] ?? ''))]
    .filter((name) => name in obtainAgain)
    .map((name) => `$${name}: ${obtainAgain[name]}`);
  return fresh.length > 0 ? `${line}  # set ${fresh.join('; ')}` : line;
}
