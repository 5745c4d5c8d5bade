import type { HttpHandler } from 'msw';
import type { components } from '../../../generated/openapi.js';
import { paginate } from '../pagination.js';
import { badRequest, notFound, route } from '../route.js';
import type { MockState } from '../state.js';
import { onOrganizationDeleted, requireOrganization } from './organizations.js';

type Directory = components['schemas']['directoriesDirectory'];
type DirectoryUser = components['schemas']['directoriesDirectoryUser'];
type DirectoryGroup = components['schemas']['directoriesDirectoryGroup'];
/** The provider's raw payload (a protobuf Struct): `type: object` without properties, typed as an empty record. */
type RawPayload = Record<string, never>;

interface StoredGroup {
  id: string;
  displayName: string;
  updatedAt: string;
}

interface StoredUser {
  id: string;
  givenName: string;
  familyName: string;
  email: string;
  groupIds: string[];
  updatedAt: string;
}

export interface StoredDirectory {
  directory: Omit<Directory, 'directory_endpoint' | 'total_users' | 'total_groups' | 'stats'>;
  users: StoredUser[];
  groups: StoredGroup[];
  updatedAt: string;
}

// Directories cannot be created through the API, so every organization gets one SCIM directory the first time
// its directories are touched, with a few users and groups to list.
const seedGroups = ['Engineering', 'Admins'];
const seedUsers: { given: string; family: string; groups: number[] }[] = [
  { given: 'Ada', family: 'Lovelace', groups: [0, 1] },
  { given: 'Alan', family: 'Turing', groups: [0] },
  { given: 'Grace', family: 'Hopper', groups: [1] },
];

const directoriesByOrganization = (state: MockState) =>
  state.slice('directories', () => new Map<string, StoredDirectory[]>());

// States whose organization-deletion listener is registered; the handlers may be built more than once for a state.
const wired = new WeakSet<MockState>();

function seedDirectory(state: MockState, organizationId: string): StoredDirectory {
  const now = state.nowIso();
  const id = state.id('dir_', 17);
  const groups = seedGroups.map((displayName) => ({ id: state.id('dirgroup_', 17), displayName, updatedAt: now }));
  const users = seedUsers.map(({ given, family, groups: memberOf }) => ({
    id: state.id('diruser_', 17),
    givenName: given,
    familyName: family,
    email: `${given}.${family}@example.com`.toLowerCase(),
    groupIds: memberOf.flatMap((index) => groups[index]?.id ?? []),
    updatedAt: now,
  }));
  return {
    directory: {
      id,
      organization_id: organizationId,
      name: 'Okta SCIM',
      directory_type: 'SCIM',
      directory_provider: 'OKTA',
      enabled: false,
      status: 'COMPLETED',
      groups_tracked: 'ALL',
      last_synced_at: now,
      attribute_mappings: {
        attributes: [
          { key: 'email', map_to: 'emails[type eq "work"].value' },
          { key: 'given_name', map_to: 'name.givenName' },
          { key: 'family_name', map_to: 'name.familyName' },
        ],
      },
      role_assignments: { assignments: [] },
    },
    users,
    groups,
    updatedAt: now,
  };
}

/** An organization's directories, seeded on first use. */
export function organizationDirectories(state: MockState, organizationId: string): StoredDirectory[] {
  const store = directoriesByOrganization(state);
  let list = store.get(organizationId);
  if (!list) {
    list = [seedDirectory(state, organizationId)];
    store.set(organizationId, list);
  }
  return list;
}

function requireDirectory(state: MockState, organizationId: string, id: string): StoredDirectory {
  const found = organizationDirectories(state, organizationId).find((d) => d.directory.id === id);
  if (!found) throw notFound(`directory ${id}`);
  return found;
}

function view(stored: StoredDirectory, origin: string): Directory {
  const latest = (items: { updatedAt: string }[]) =>
    items
      .map((i) => i.updatedAt)
      .sort()
      .at(-1) ?? stored.updatedAt;
  return {
    ...stored.directory,
    directory_endpoint: `${origin}/api/v1/directories/${stored.directory.id}/scim/v2`,
    total_users: stored.users.length,
    total_groups: stored.groups.length,
    stats: {
      total_users: stored.users.length,
      total_groups: stored.groups.length,
      user_updated_at: latest(stored.users),
      group_updated_at: latest(stored.groups),
    },
  };
}

function groupView(stored: StoredDirectory, group: StoredGroup, detail: boolean): DirectoryGroup {
  return {
    id: group.id,
    display_name: group.displayName,
    total_users: stored.users.filter((u) => u.groupIds.includes(group.id)).length,
    updated_at: group.updatedAt,
    ...(detail ? { group_detail: { id: group.id, displayName: group.displayName } as unknown as RawPayload } : {}),
  };
}

function userView(stored: StoredDirectory, user: StoredUser, detail: boolean): DirectoryUser {
  return {
    id: user.id,
    email: user.email,
    emails: [user.email],
    given_name: user.givenName,
    family_name: user.familyName,
    preferred_username: user.email,
    updated_at: user.updatedAt,
    groups: stored.groups.filter((g) => user.groupIds.includes(g.id)).map((g) => groupView(stored, g, false)),
    ...(detail
      ? {
          user_detail: {
            userName: user.email,
            name: { givenName: user.givenName, familyName: user.familyName },
            emails: [{ value: user.email, primary: true }],
            active: true,
          } as unknown as RawPayload,
        }
      : {}),
  };
}

function booleanQuery(query: URLSearchParams, name: string): boolean {
  const text = query.get(name);
  if (text === null || text === '' || text === 'false') return false;
  if (text === 'true') return true;
  throw badRequest(`${name} must be true or false`);
}

function updatedAfter(query: URLSearchParams): string | undefined {
  const text = query.get('updated_after');
  if (text === null || text === '') return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}T/.test(text))
    throw badRequest('updated_after must be an ISO 8601 date-time');
  return new Date(at).toISOString();
}

/** DirectoryEventData for the directory webhooks. */
function eventData(stored: StoredDirectory): Record<string, unknown> {
  const { id, organization_id, directory_type, directory_provider, enabled } = stored.directory;
  return { id, organization_id, directory_type, provider: directory_provider, enabled, updated_at: stored.updatedAt };
}

/** Directories: read, list with users and groups, enable and disable. */
export function directoryHandlers(state: MockState): HttpHandler[] {
  if (!wired.has(state)) {
    wired.add(state);
    // A deleted organization's directories go with it.
    onOrganizationDeleted(state, (organizationId) => directoriesByOrganization(state).delete(organizationId));
  }
  const toggle = (enable: boolean) => (args: { params: Record<string, string> }) => {
    const organizationId = requireOrganization(state, args.params.organization_id ?? '').id as string;
    const stored = requireDirectory(state, organizationId, args.params.id ?? '');
    if (stored.directory.enabled === enable) {
      return { enabled: enable, error_message: `The directory is already ${enable ? 'enabled' : 'disabled'}` };
    }
    stored.directory.enabled = enable;
    stored.updatedAt = state.nowIso();
    const type = enable ? 'organization.directory_enabled' : 'organization.directory_disabled';
    state.emit(type, 'Directory', eventData(stored), organizationId);
    return { enabled: enable };
  };
  const directoryListLimits = { defaultSize: 10, maxSize: 30 };

  return [
    route(state, 'get', '/api/v1/organizations/{organization_id}/directories', ({ params, request }) => {
      const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
      const origin = new URL(request.url).origin;
      const directories = organizationDirectories(state, organizationId).map((d) => view(d, origin));
      return { status: 200, body: { directories } };
    }),

    route(state, 'get', '/api/v1/organizations/{organization_id}/directories/{id}', ({ params, request }) => {
      const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
      const stored = requireDirectory(state, organizationId, params.id ?? '');
      return { status: 200, body: { directory: view(stored, new URL(request.url).origin) } };
    }),

    route(
      state,
      'get',
      '/api/v1/organizations/{organization_id}/directories/{directory_id}/users',
      ({ params, query }) => {
        const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
        const stored = requireDirectory(state, organizationId, params.directory_id ?? '');
        const detail = booleanQuery(query, 'include_detail');
        const after = updatedAfter(query);
        const groupId = query.get('directory_group_id');
        if (groupId && !stored.groups.some((g) => g.id === groupId)) throw notFound(`directory group ${groupId}`);
        const users = stored.users.filter(
          (u) => (!groupId || u.groupIds.includes(groupId)) && (!after || u.updatedAt > after),
        );
        const page = paginate(users, query, directoryListLimits);
        return {
          status: 200,
          body: {
            users: page.items.map((u) => userView(stored, u, detail)),
            next_page_token: page.next_page_token,
            prev_page_token: page.prev_page_token,
            total_size: page.total_size,
          },
        };
      },
    ),

    route(
      state,
      'get',
      '/api/v1/organizations/{organization_id}/directories/{directory_id}/groups',
      ({ params, query }) => {
        const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
        const stored = requireDirectory(state, organizationId, params.directory_id ?? '');
        const detail = booleanQuery(query, 'include_detail');
        booleanQuery(query, 'include_external_groups'); // validated; the mock has no external-only groups
        const after = updatedAfter(query);
        const page = paginate(
          stored.groups.filter((g) => !after || g.updatedAt > after),
          query,
          directoryListLimits,
        );
        return {
          status: 200,
          body: {
            groups: page.items.map((g) => groupView(stored, g, detail)),
            next_page_token: page.next_page_token,
            prev_page_token: page.prev_page_token,
            total_size: page.total_size,
          },
        };
      },
    ),

    route(state, 'patch', '/api/v1/organizations/{organization_id}/directories/{id}:enable', (args) => ({
      status: 200,
      body: toggle(true)(args),
    })),

    route(state, 'patch', '/api/v1/organizations/{organization_id}/directories/{id}:disable', (args) => ({
      status: 200,
      body: toggle(false)(args),
    })),
  ];
}
