import type { Exchange } from '../client/transport.js';
import { type Failure, failure } from './failure.js';

// Checks on organisation M2M clients as OAuth credentials (TOK-010): a plain secret is shown when it is made and
// never again, IDs carry their documented prefixes, and the client list pages as asked. Pure functions over recorded
// exchanges: the suites drive the target, these judge. A failure never quotes a secret: it names where one appeared.

/** The body as JSON; undefined when it is not JSON (the status checks say so). */
function jsonOf(exchange: Exchange): unknown {
  try {
    return JSON.parse(exchange.responseBody);
  } catch {
    return undefined;
  }
}

const fieldOf = (value: unknown, key: string): unknown =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;

/** The JSON pointers of every non-empty `plain_secret` in a body. */
function plainSecretsIn(body: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown, pointer: string) => {
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) walk(item, `${pointer}/${i}`);
    } else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'plain_secret' && typeof child === 'string' && child !== '') found.push(`${pointer}/${key}`);
        else walk(child, `${pointer}/${key}`);
      }
    }
  };
  walk(body, '');
  return found;
}

/**
 * TOK-010: an answer after a secret was made (get, list, update) shows no `plain_secret` anywhere in its body.
 * `what` names the answer ("get", "list").
 */
export function noPlainSecretShown(rule: 'TOK-010', what: string, exchange: Exchange): Failure | undefined {
  const found = plainSecretsIn(jsonOf(exchange));
  if (found.length === 0) return undefined;
  return failure(rule, `${what} after creation`, 'no plain_secret', `plain_secret at ${found.join(', ')}`, exchange);
}

/**
 * TOK-010: the answer that makes a secret (a client's create, a new secret) shows it as a non-empty
 * top-level `plain_secret`. `what` names the answer ("on create", "of a new secret").
 */
export function plainSecretShown(rule: 'TOK-010', what: string, exchange: Exchange): Failure | undefined {
  const plainSecret = fieldOf(jsonOf(exchange), 'plain_secret');
  if (typeof plainSecret === 'string' && plainSecret !== '') return undefined;
  return failure(rule, `plain_secret ${what}`, 'a non-empty plain_secret', 'none', exchange);
}

/** TOK-010: an ID carries its documented prefix (`org_` for organisations, `m2morg_` for their clients). */
export function idPrefixed(
  rule: 'TOK-010',
  what: string,
  id: string | undefined,
  prefix: 'org_' | 'm2morg_',
  exchange: Exchange,
): Failure | undefined {
  if (id?.startsWith(prefix)) return undefined;
  return failure(rule, `${what} prefix`, `an ID starting ${prefix}`, JSON.stringify(id ?? null), exchange);
}

/**
 * TOK-010: a page of the client list (`clients`) holds as many clients as `page_size` asked for, or all `available`
 * ones when there are fewer.
 */
export function pageSizeHonoured(
  rule: 'TOK-010',
  exchange: Exchange,
  pageSize: number,
  available: number,
): Failure | undefined {
  const expected = Math.min(pageSize, available);
  const clients = fieldOf(jsonOf(exchange), 'clients');
  const count = Array.isArray(clients) ? clients.length : 0;
  if (count === expected) return undefined;
  return failure(
    rule,
    `a page of page_size ${pageSize} over ${available} clients`,
    `${expected} clients`,
    `${count}`,
    exchange,
  );
}
