import type { Exchange } from './transport.js';

// Replay lines must be safe to paste into a bug report: the bearer token and any client secret are replaced by
// shell variables the reader sets themselves.
const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;
const dropped = new Set(['user-agent', 'content-length', 'host', 'connection', 'accept-encoding']);

export function redactFormBody(body: string): string {
  return body.replace(/(^|&)client_secret=[^&]*/g, '$1client_secret=$SCALEKIT_CLIENT_SECRET');
}

export function toCurl(exchange: Pick<Exchange, 'method' | 'url' | 'requestHeaders' | 'requestBody'>): string {
  const parts = ['curl', '-sS', '-X', exchange.method, quote(exchange.url)];
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
    parts.push('-H', quote(`${lower}: ${value}`));
  }
  if (exchange.requestBody) {
    const contentType =
      Object.entries(exchange.requestHeaders).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
    const body = contentType.includes('x-www-form-urlencoded')
      ? redactFormBody(exchange.requestBody)
      : exchange.requestBody;
    // Literal parts stay single-quoted; only the secret's variable sits in double quotes, so only it expands.
    parts.push(
      '--data-raw',
      body
        .split('$SCALEKIT_CLIENT_SECRET')
        .map((part) => (part ? quote(part) : ''))
        .join('"$SCALEKIT_CLIENT_SECRET"'),
    );
  }
  return parts.join(' ');
}
