// Prints an access token for the configured target, for the replay lines of a report (`$SCALEKIT_ACCESS_TOKEN`).
// The one place the tool prints a secret on purpose: only to stdout, only when asked, never into a report.
import { createTokenSession } from '../client/api.js';
import { TokenError } from '../client/oauth.js';
import { TransportError } from '../client/transport.js';
import { systemClock } from '../clock.js';
import { type RunFlags, resolveRunSettings } from '../config/settings.js';
import { describeError, ExitCode, UserError } from '../errors.js';
import { toolName } from '../version.js';

export type TokenFlags = Pick<RunFlags, 'target' | 'client-id' | 'client-secret' | 'config' | 'timeout-ms'>;

export async function tokenCommand(
  flags: TokenFlags,
  options: { out: (line: string) => void; env: NodeJS.ProcessEnv; cwd: string },
): Promise<ExitCode> {
  const settings = resolveRunSettings(flags, options.env, options.cwd);
  if (settings.target.kind === 'mock') {
    throw new UserError(
      'the embedded mock lives only as long as one run, so a token for it is of no use afterwards',
      `Start a mock with \`${toolName} mock\` and pass its URL: \`${toolName} token --target http://127.0.0.1:PORT\``,
    );
  }
  const { baseUrl, clientId, clientSecret } = settings.target;
  const session = createTokenSession({
    baseUrl,
    credentials: { clientId, clientSecret },
    timeoutMs: settings.timeoutMs,
    clock: systemClock,
  });
  let token: string;
  try {
    token = await session.token();
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    const why =
      error.kind === 'unreachable' && error.cause instanceof TransportError
        ? `cannot reach the target ${baseUrl}: ${error.cause.reason}`
        : error.kind === 'unreachable'
          ? `cannot reach the target ${baseUrl}: ${describeError(error.cause)}`
          : error.message;
    throw new UserError(
      why,
      error.kind === 'rejected'
        ? 'Check SCALEKIT_CLIENT_ID and SCALEKIT_CLIENT_SECRET (or --client-id/--client-secret) for this environment'
        : 'Check --target and that the server is running and reachable',
    );
  }
  // Single quotes only when the token needs them: a JWT is pasted as it is.
  const word = /^[A-Za-z0-9._~+/=-]+$/.test(token) ? token : `'${token.replaceAll("'", `'\\''`)}'`;
  options.out(`export SCALEKIT_ACCESS_TOKEN=${word}`);
  return ExitCode.ok;
}
