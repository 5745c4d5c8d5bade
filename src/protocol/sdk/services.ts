import type { DescService } from '@bufbuild/protobuf';
import * as auditlogs from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/auditlogs/auditlogs_pb.js';
import * as auth from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/auth/auth_pb.js';
import * as passwordless from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/auth/passwordless_pb.js';
import * as webauthn from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/auth/webauthn_pb.js';
import * as clients from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/clients/clients_pb.js';
import * as connectedAccounts from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/connected_accounts/connected_accounts_pb.js';
import * as connections from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/connections/connections_pb.js';
import * as directories from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/directories/directories_pb.js';
import * as domains from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/domains/domains_pb.js';
import * as events from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/events/events_pb.js';
import * as organizations from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/organizations/organizations_pb.js';
import * as roles from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/roles/roles_pb.js';
import * as sessions from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/sessions/sessions_pb.js';
import * as tokens from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/tokens/tokens_pb.js';
import * as tools from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/tools/tools_pb.js';
import * as users from '@scalekit-sdk/node/lib/pkg/grpc/scalekit/v1/users/users_pb.js';

/** The generated modules of every Scalekit API the SDK calls (its own descriptors, not a copy). */
const generatedModules: readonly Record<string, unknown>[] = [
  auditlogs,
  auth,
  passwordless,
  webauthn,
  clients,
  connectedAccounts,
  connections,
  directories,
  domains,
  events,
  organizations,
  roles,
  sessions,
  tokens,
  tools,
  users,
];

function isService(value: unknown): value is DescService {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'service';
}

/** Every service of the SDK's generated code, each once. */
export const sdkServices: readonly DescService[] = [
  ...new Set(generatedModules.flatMap((module) => Object.values(module).filter(isService))),
];
