import type { HttpHandler } from 'msw';
import type { components } from '../../../generated/openapi.js';
import { callInterceptor } from '../interceptors.js';
import { paginate } from '../pagination.js';
import { badRequest, conflict, MockError, notFound, route } from '../route.js';
import type { MockState } from '../state.js';
import {
  type Fields,
  fieldsOf,
  findOrganization,
  onOrganizationDeleted,
  optionalMetadata,
  optionalString,
  optionalStringArray,
  organizationEventData,
  organizationUserLimit,
  queryBoolean,
  requireOrganization,
} from './organizations.js';
import {
  checkAssignableRoles,
  clearMembershipRoles,
  defaultMemberRoles,
  membershipPermissions,
  membershipRoles,
  membershipRolesWithInherited,
  setMembershipRoles,
} from './roles.js';

export type User = components['schemas']['usersUser'];
type UserProfile = components['schemas']['commonsUserProfile'];
type Membership = components['schemas']['commonsOrganizationMembership'];
type Invite = components['schemas']['usersInvite'];

interface UserRecord {
  id: string;
  email: string;
  external_id?: string;
  metadata: Record<string, string>;
  profile: UserProfile;
  create_time: string;
  update_time: string;
}

interface MembershipRecord {
  organizationId: string;
  userId: string;
  /** ACTIVE, or PENDING_INVITE until accepted; an invite past its expiry reads as INVITE_EXPIRED. */
  status: 'ACTIVE' | 'PENDING_INVITE';
  metadata: Record<string, string>;
  inviterEmail?: string;
  createdAt: string;
  joinTime?: string;
  invite?: { createdAt: string; expiresAt: number; resentCount: number; resentAt?: string };
}

interface UsersSlice {
  users: Map<string, UserRecord>;
  /** Keyed by `${organizationId} ${userId}`, in creation order. */
  memberships: Map<string, MembershipRecord>;
}

// Ajv's `email` format, so every stored address is one the webhook schemas (format: email) accept.
const emailPattern =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
const inviteLifetimeMs = 7 * 24 * 60 * 60 * 1000;
const searchLimits = { defaultSize: 10, maxSize: 30 };

const store = (state: MockState) =>
  state.slice('users', (): UsersSlice => ({ users: new Map(), memberships: new Map() }));
const membershipKey = (organizationId: string, userId: string) => `${organizationId} ${userId}`;

type UserDeletedListener = (userId: string) => void;
// Listeners are wiring, not data: they live outside the slices so `reset` keeps them (as organizations.ts does).
const deletionListeners = new WeakMap<MockState, UserDeletedListener[]>();

/** Lets the modules that hang data off a user (sessions) drop it with it, without users.ts importing them. */
export function onUserDeleted(state: MockState, listener: UserDeletedListener): void {
  const listeners = deletionListeners.get(state) ?? [];
  listeners.push(listener);
  deletionListeners.set(state, listeners);
}

// ---- accessors ----

/** Every user, in creation order, as the API shows them. */
export function userStore(state: MockState): User[] {
  return [...store(state).users.values()].map((user) => userView(state, user));
}

export function requireUser(state: MockState, id: string): User {
  return userView(state, requireUserRecord(state, id));
}

export function findUser(state: MockState, id: string): User | undefined {
  const user = store(state).users.get(id);
  return user ? userView(state, user) : undefined;
}

/** The user with this email, compared case-insensitively as sign-in compares it; undefined when there is none. */
export function findUserByEmail(state: MockState, email: string): User | undefined {
  const wanted = email.toLowerCase();
  const user = [...store(state).users.values()].find((u) => u.email.toLowerCase() === wanted);
  return user ? userView(state, user) : undefined;
}

/**
 * OTH-001: the PRE_USER_INVITATION interceptor, before an invitation to an organization is created or sent through
 * the API. A DENY refuses the request with 403 PERMISSION_DENIED, the interceptor's message (or the generic one) as
 * the ErrorInfo's message, and nothing is created or sent.
 */
async function invitationAllowed(
  state: MockState,
  organizationId: string,
  email: string,
  fields: Fields | undefined,
): Promise<void> {
  const inviter = fields ? optionalString(fields, 'inviter_email') : undefined;
  const outcome = await callInterceptor(state, 'PRE_USER_INVITATION', {
    context: { user_email: email, organization_id: organizationId, ...(inviter ? { inviter_email: inviter } : {}) },
    data: { user: { email }, organization: { id: organizationId } },
  });
  if (outcome.decision === 'DENY') throw new MockError(403, 'PERMISSION_DENIED', outcome.message);
}

function requireUserRecord(state: MockState, id: string): UserRecord {
  const user = store(state).users.get(id);
  if (!user) throw notFound(`user ${id}`);
  return user;
}

function requireUserByExternalId(state: MockState, externalId: string): UserRecord {
  const user = [...store(state).users.values()].find((u) => u.external_id === externalId);
  if (!user) throw notFound(`user with external_id ${externalId}`);
  return user;
}

function requireMembership(state: MockState, organizationId: string, userId: string): MembershipRecord {
  const membership = store(state).memberships.get(membershipKey(organizationId, userId));
  if (!membership) throw notFound(`membership of user ${userId} in organization ${organizationId}`);
  return membership;
}

const membershipsOf = (state: MockState, userId: string) =>
  [...store(state).memberships.values()].filter((m) => m.userId === userId);

// ---- views ----

function membershipStatus(state: MockState, membership: MembershipRecord): Membership['membership_status'] {
  if (membership.status === 'PENDING_INVITE' && membership.invite && membership.invite.expiresAt <= state.clock.now()) {
    return 'INVITE_EXPIRED';
  }
  return membership.status;
}

function membershipView(state: MockState, membership: MembershipRecord): Membership {
  const { organizationId, userId } = membership;
  const organization = requireOrganization(state, organizationId);
  return {
    organization_id: organizationId,
    ...(organization.display_name !== undefined ? { display_name: organization.display_name } : {}),
    membership_status: membershipStatus(state, membership),
    roles: membershipRoles(state, organizationId, userId),
    permissions: membershipPermissions(state, organizationId, userId).map((p) => p.name as string),
    metadata: { ...membership.metadata },
    created_at: membership.createdAt,
    ...(membership.joinTime ? { join_time: membership.joinTime, accepted_at: membership.joinTime } : {}),
    ...(membership.invite ? { expires_at: new Date(membership.invite.expiresAt).toISOString() } : {}),
    ...(membership.inviterEmail ? { inviter_email: membership.inviterEmail } : {}),
  };
}

function userView(state: MockState, user: UserRecord): User {
  return {
    id: user.id,
    email: user.email,
    ...(user.external_id ? { external_id: user.external_id } : {}),
    create_time: user.create_time,
    update_time: user.update_time,
    metadata: { ...user.metadata },
    user_profile: structuredClone(user.profile),
    memberships: membershipsOf(state, user.id).map((m) => membershipView(state, m)),
  };
}

function inviteView(state: MockState, membership: MembershipRecord): Invite {
  const invite = membership.invite;
  return {
    organization_id: membership.organizationId,
    user_id: membership.userId,
    status: membershipStatus(state, membership) === 'INVITE_EXPIRED' ? 'expired' : 'pending_invite',
    ...(membership.inviterEmail ? { inviter_email: membership.inviterEmail } : {}),
    ...(invite
      ? {
          created_at: invite.createdAt,
          expires_at: new Date(invite.expiresAt).toISOString(),
          resent_count: invite.resentCount,
          ...(invite.resentAt ? { resent_at: invite.resentAt } : {}),
        }
      : {}),
  };
}

/** OrgMembershipEventData: the organization and the user, as membership events carry them. */
function membershipEventData(state: MockState, organizationId: string, user: UserRecord) {
  return {
    organization: organizationEventData(requireOrganization(state, organizationId)),
    user: {
      id: user.id,
      email: user.email,
      ...(user.external_id ? { external_id: user.external_id } : {}),
      create_time: user.create_time,
      update_time: user.update_time,
      metadata: { ...user.metadata },
      user_profile: structuredClone(user.profile),
    },
  };
}

function emitMembership(state: MockState, type: string, organizationId: string, user: UserRecord): void {
  state.emit(type, 'OrgMembership', membershipEventData(state, organizationId, user), organizationId);
}

// ---- request reading ----

function checkEmail(value: string, key: string): string {
  if (!emailPattern.test(value) || value.length > 320) throw badRequest(`${key} must be a valid email address`);
  return value;
}

function stringMap(fields: Fields, key: string): Record<string, string> | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw badRequest(`${key} must be an object of strings`);
  }
  return { ...(value as Record<string, string>) };
}

const profileStrings = [
  'given_name',
  'family_name',
  'name',
  'locale',
  'phone_number',
  'picture',
  'gender',
  'preferred_username',
] as const;

/** Applies profile fields present in the request; first_name and last_name are update aliases. */
function applyProfile(profile: UserProfile, fields: Fields): UserProfile {
  const next = structuredClone(profile);
  for (const key of profileStrings) {
    const value = optionalString(fields, key);
    if (value !== undefined) next[key] = value;
  }
  const firstName = optionalString(fields, 'first_name');
  if (firstName !== undefined && optionalString(fields, 'given_name') === undefined) next.given_name = firstName;
  const lastName = optionalString(fields, 'last_name');
  if (lastName !== undefined && optionalString(fields, 'family_name') === undefined) next.family_name = lastName;
  const groups = optionalStringArray(fields, 'groups');
  if (groups !== undefined) next.groups = groups;
  const customAttributes = stringMap(fields, 'custom_attributes');
  if (customAttributes !== undefined) next.custom_attributes = customAttributes;
  const metadata = stringMap(fields, 'metadata');
  if (metadata !== undefined) next.metadata = metadata;
  return next;
}

/** A nested object field such as user_profile or membership; absent reads as empty. */
function nestedFields(fields: Fields, key: string): Fields {
  const value = fields[key];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${key} must be an object`);
  return value as Fields;
}

function readRoleNames(fields: Fields): string[] | undefined {
  const raw = fields.roles;
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw badRequest('roles must be an array of { "name": ... } objects');
  return raw.map((item, index) => {
    const name = optionalString(fieldsOf(item), 'name');
    if (!name) throw badRequest(`roles[${index}].name is required`);
    return name;
  });
}

/**
 * The membership in a create-membership body. The spec puts `required: [membership]` beside a $ref to the
 * membership schema itself, so both the bare membership and a `{ "membership": ... }` wrapper are accepted.
 */
function membershipFields(body: unknown): Fields {
  const fields = fieldsOf(body);
  const wrapped = fields.membership;
  return wrapped && typeof wrapped === 'object' && !Array.isArray(wrapped) ? (wrapped as Fields) : fields;
}

function ensureUniqueUser(state: MockState, self: string | undefined, email?: string, externalId?: string): void {
  for (const user of store(state).users.values()) {
    if (user.id === self) continue;
    if (email && user.email.toLowerCase() === email.toLowerCase()) {
      throw conflict(`a user with email ${email} already exists`);
    }
    if (externalId && user.external_id === externalId) {
      throw conflict(`a user with external_id ${externalId} already exists`);
    }
  }
}

// ---- state changes ----

function addMembership(
  state: MockState,
  organizationId: string,
  user: UserRecord,
  fields: Fields,
  sendInvitation: boolean,
): void {
  const slice = store(state);
  if (slice.memberships.has(membershipKey(organizationId, user.id))) {
    throw conflict(`user ${user.id} is already a member of organization ${organizationId}`);
  }
  const limit = organizationUserLimit(state, organizationId);
  const members = [...slice.memberships.values()].filter((m) => m.organizationId === organizationId).length;
  if (limit !== undefined && members >= limit) {
    throw badRequest(`organization ${organizationId} allows at most ${limit} users`);
  }
  const requested = readRoleNames(fields);
  const roles = requested ? checkAssignableRoles(state, organizationId, requested) : undefined;
  const inviterEmail = optionalString(fields, 'inviter_email');
  if (inviterEmail) checkEmail(inviterEmail, 'inviter_email');
  const now = state.nowIso();
  const membership: MembershipRecord = {
    organizationId,
    userId: user.id,
    status: sendInvitation ? 'PENDING_INVITE' : 'ACTIVE',
    metadata: optionalMetadata(fields) ?? {},
    createdAt: now,
    ...(inviterEmail ? { inviterEmail } : {}),
    ...(sendInvitation
      ? { invite: { createdAt: now, expiresAt: state.clock.now() + inviteLifetimeMs, resentCount: 0 } }
      : { joinTime: now }),
  };
  slice.memberships.set(membershipKey(organizationId, user.id), membership);
  setMembershipRoles(state, organizationId, user.id, roles ?? defaultMemberRoles(state, organizationId));
  emitMembership(state, 'user.organization_membership_created', organizationId, user);
  if (sendInvitation) emitMembership(state, 'user.organization_invitation', organizationId, user);
}

function updateMembership(state: MockState, organizationId: string, user: UserRecord, body: unknown): User {
  requireOrganization(state, organizationId);
  const membership = requireMembership(state, organizationId, user.id);
  const fields = membershipFields(body);
  const requested = readRoleNames(fields);
  const metadata = optionalMetadata(fields);
  if (requested)
    setMembershipRoles(state, organizationId, user.id, checkAssignableRoles(state, organizationId, requested));
  if (metadata !== undefined) membership.metadata = metadata;
  emitMembership(state, 'user.organization_membership_updated', organizationId, user);
  return userView(state, user);
}

function removeMembership(state: MockState, organizationId: string, user: UserRecord): void {
  requireOrganization(state, organizationId);
  requireMembership(state, organizationId, user.id);
  // The event describes the membership that is going away, so it is built before the removal.
  emitMembership(state, 'user.organization_membership_deleted', organizationId, user);
  store(state).memberships.delete(membershipKey(organizationId, user.id));
  clearMembershipRoles(state, organizationId, user.id);
}

function updateUser(state: MockState, user: UserRecord, body: unknown): User {
  const fields = fieldsOf(body);
  const externalId = optionalString(fields, 'external_id');
  const metadata = optionalMetadata(fields);
  const profile = applyProfile(user.profile, nestedFields(fields, 'user_profile'));
  if (externalId) ensureUniqueUser(state, user.id, undefined, externalId);
  if (externalId === '') delete user.external_id;
  else if (externalId !== undefined) user.external_id = externalId;
  if (metadata !== undefined) user.metadata = metadata;
  user.profile = profile;
  user.update_time = state.nowIso();
  return userView(state, user);
}

function deleteUser(state: MockState, user: UserRecord): void {
  for (const membership of membershipsOf(state, user.id)) removeMembership(state, membership.organizationId, user);
  store(state).users.delete(user.id);
  for (const listener of deletionListeners.get(state) ?? []) listener(user.id);
}

/**
 * The user a sign-in stands for: the one with this email (compared case-insensitively), or a new one. With the ID
 * of an existing organization the user also becomes an active member of it (a live invitation is accepted);
 * an unknown organization is ignored. Throws a MockError when the organization cannot take another member.
 */
export function ensureUserByEmail(state: MockState, email: string, organizationId?: string): User {
  const slice = store(state);
  const wanted = email.toLowerCase();
  let user = [...slice.users.values()].find((u) => u.email.toLowerCase() === wanted);
  const created = user === undefined;
  if (!user) {
    const now = state.nowIso();
    user = {
      id: state.id('usr_'),
      email,
      metadata: {},
      // The sign-in proved the address.
      profile: { email_verified: true, phone_number_verified: false },
      create_time: now,
      update_time: now,
    };
    slice.users.set(user.id, user);
  }
  if (organizationId && findOrganization(state, organizationId)) {
    const membership = slice.memberships.get(membershipKey(organizationId, user.id));
    if (!membership) {
      try {
        addMembership(state, organizationId, user, {}, false);
      } catch (error) {
        if (created) slice.users.delete(user.id);
        throw error;
      }
    } else if (membershipStatus(state, membership) === 'PENDING_INVITE') {
      membership.status = 'ACTIVE';
      membership.joinTime = state.nowIso();
    }
  }
  return userView(state, user);
}

/** The search term, lowercased, after checking it and the search page size (1-30). */
function searchTerm(query: URLSearchParams): string {
  const term = query.get('query') ?? '';
  if (term.length < 3 || term.length > 100) throw badRequest('query must be 3-100 characters');
  const size = query.get('page_size');
  if (size !== null && size !== '' && !/^(?:[1-9]|[12]\d|30)$/.test(size)) {
    throw badRequest('page_size must be between 1 and 30');
  }
  return term.toLowerCase();
}

const matches = (user: UserRecord, term: string) =>
  [user.email, user.id, user.external_id ?? ''].some((value) => value.toLowerCase().includes(term));

function userPage(
  state: MockState,
  users: UserRecord[],
  query: URLSearchParams,
  limits = { defaultSize: 10, maxSize: 100 },
) {
  const page = paginate(users, query, limits);
  return {
    users: page.items.map((user) => userView(state, user)),
    next_page_token: page.next_page_token,
    prev_page_token: page.prev_page_token,
    total_size: page.total_size,
  };
}

function organizationMembers(state: MockState, organizationId: string): UserRecord[] {
  return [...store(state).memberships.values()]
    .filter((m) => m.organizationId === organizationId)
    .flatMap((m) => store(state).users.get(m.userId) ?? []);
}

// ---- handlers ----

export function userHandlers(state: MockState): HttpHandler[] {
  onOrganizationDeleted(state, (organizationId) => {
    const memberships = store(state).memberships;
    for (const [key, membership] of [...memberships]) {
      if (membership.organizationId === organizationId) memberships.delete(key);
    }
  });

  return [
    route(state, 'get', '/api/v1/users', ({ query }) => ({
      status: 200,
      body: userPage(state, [...store(state).users.values()], query),
    })),

    route(state, 'get', '/api/v1/users:search', ({ query }) => {
      const term = searchTerm(query);
      const found = [...store(state).users.values()].filter((u) => matches(u, term));
      return { status: 200, body: userPage(state, found, query, searchLimits) };
    }),

    route(state, 'get', '/api/v1/users/{id}', ({ params }) => ({
      status: 200,
      body: { user: requireUser(state, params.id ?? '') },
    })),

    route(state, 'patch', '/api/v1/users/{id}', ({ params, body }) => {
      const user = updateUser(state, requireUserRecord(state, params.id ?? ''), body);
      return { status: 200, body: { user } };
    }),

    route(state, 'delete', '/api/v1/users/{id}', ({ params }) => {
      deleteUser(state, requireUserRecord(state, params.id ?? ''));
      return { status: 200, body: {} };
    }),

    route(state, 'get', '/api/v1/users:external/{external_id}', ({ params }) => ({
      status: 200,
      body: { user: userView(state, requireUserByExternalId(state, params.external_id ?? '')) },
    })),

    route(state, 'patch', '/api/v1/users:external/{external_id}', ({ params, body }) => {
      const user = updateUser(state, requireUserByExternalId(state, params.external_id ?? ''), body);
      return { status: 200, body: { user } };
    }),

    route(state, 'delete', '/api/v1/users:external/{external_id}', ({ params }) => {
      deleteUser(state, requireUserByExternalId(state, params.external_id ?? ''));
      return { status: 200, body: {} };
    }),

    route(state, 'get', '/api/v1/organizations/{organization_id}/users', ({ params, query }) => {
      const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
      return { status: 200, body: userPage(state, organizationMembers(state, organizationId), query) };
    }),

    route(state, 'get', '/api/v1/organizations/{organization_id}/users:search', ({ params, query }) => {
      const term = searchTerm(query);
      const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
      const found = organizationMembers(state, organizationId).filter((u) => matches(u, term));
      return { status: 200, body: userPage(state, found, query, searchLimits) };
    }),

    route(state, 'post', '/api/v1/organizations/{organization_id}/users', async ({ params, query, body }) => {
      const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
      const fields = fieldsOf(body);
      const email = optionalString(fields, 'email');
      if (!email) throw badRequest('email is required');
      checkEmail(email, 'email');
      const externalId = optionalString(fields, 'external_id') || undefined;
      ensureUniqueUser(state, undefined, email, externalId);
      const metadata = optionalMetadata(fields) ?? {};
      const profile = applyProfile(
        { email_verified: false, phone_number_verified: false },
        nestedFields(fields, 'user_profile'),
      );
      const membership = nestedFields(fields, 'membership');
      const sendInvitation = queryBoolean(query, 'send_invitation_email', true);
      // Everything is checked before the user exists, so a refused membership leaves no half-made user.
      const requested = readRoleNames(membership);
      if (requested) checkAssignableRoles(state, organizationId, requested);
      if (sendInvitation) await invitationAllowed(state, organizationId, email, membership);
      const now = state.nowIso();
      const user: UserRecord = {
        id: state.id('usr_'),
        email,
        ...(externalId ? { external_id: externalId } : {}),
        metadata,
        profile,
        create_time: now,
        update_time: now,
      };
      store(state).users.set(user.id, user);
      try {
        addMembership(state, organizationId, user, membership, sendInvitation);
      } catch (error) {
        store(state).users.delete(user.id);
        throw error;
      }
      return { status: 201, body: { user: userView(state, user) } };
    }),

    route(state, 'get', '/api/v1/organizations/{organization_id}/users/{user_id}/roles', ({ params }) => {
      const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
      const user = requireUserRecord(state, params.user_id ?? '');
      requireMembership(state, organizationId, user.id);
      return { status: 200, body: { roles: membershipRolesWithInherited(state, organizationId, user.id) } };
    }),

    route(state, 'get', '/api/v1/organizations/{organization_id}/users/{user_id}/permissions', ({ params }) => {
      const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
      const user = requireUserRecord(state, params.user_id ?? '');
      requireMembership(state, organizationId, user.id);
      const permissions = membershipPermissions(state, organizationId, user.id).map((p) => ({
        id: p.id,
        name: p.name,
      }));
      return { status: 200, body: { permissions } };
    }),

    route(
      state,
      'post',
      '/api/v1/memberships/organizations/{organization_id}/users/{id}',
      async ({ params, query, body }) => {
        const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
        const user = requireUserRecord(state, params.id ?? '');
        const sendInvitation = queryBoolean(query, 'send_invitation_email', true);
        const fields = membershipFields(body);
        if (sendInvitation) await invitationAllowed(state, organizationId, user.email, fields);
        addMembership(state, organizationId, user, fields, sendInvitation);
        return { status: 201, body: { user: userView(state, user) } };
      },
    ),

    route(state, 'patch', '/api/v1/memberships/organizations/{organization_id}/users/{id}', ({ params, body }) => {
      const user = requireUserRecord(state, params.id ?? '');
      return { status: 200, body: { user: updateMembership(state, params.organization_id ?? '', user, body) } };
    }),

    route(state, 'delete', '/api/v1/memberships/organizations/{organization_id}/users/{id}', ({ params }) => {
      removeMembership(state, params.organization_id ?? '', requireUserRecord(state, params.id ?? ''));
      return { status: 200, body: {} };
    }),

    route(
      state,
      'post',
      '/api/v1/memberships/organizations/{organization_id}/users:external/{external_id}',
      async ({ params, query, body }) => {
        const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
        const user = requireUserByExternalId(state, params.external_id ?? '');
        const sendInvitation = queryBoolean(query, 'send_invitation_email', true);
        const fields = membershipFields(body);
        if (sendInvitation) await invitationAllowed(state, organizationId, user.email, fields);
        addMembership(state, organizationId, user, fields, sendInvitation);
        return { status: 201, body: { user: userView(state, user) } };
      },
    ),

    route(
      state,
      'patch',
      '/api/v1/memberships/organizations/{organization_id}/users:external/{external_id}',
      ({ params, body }) => {
        const user = requireUserByExternalId(state, params.external_id ?? '');
        return { status: 200, body: { user: updateMembership(state, params.organization_id ?? '', user, body) } };
      },
    ),

    route(
      state,
      'delete',
      '/api/v1/memberships/organizations/{organization_id}/users:external/{external_id}',
      ({ params }) => {
        removeMembership(state, params.organization_id ?? '', requireUserByExternalId(state, params.external_id ?? ''));
        return { status: 200, body: {} };
      },
    ),

    route(state, 'patch', '/api/v1/invites/organizations/{organization_id}/users/{id}/resend', async ({ params }) => {
      const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
      const user = requireUserRecord(state, params.id ?? '');
      const membership = requireMembership(state, organizationId, user.id);
      if (membership.status !== 'PENDING_INVITE' || !membership.invite) {
        throw badRequest(`user ${user.id} has already accepted the invitation to ${organizationId}`);
      }
      await invitationAllowed(state, organizationId, user.email, undefined);
      const now = state.nowIso();
      const invite = membership.invite;
      // An expired invitation is replaced by a new one; a live one is only reminded.
      if (invite.expiresAt <= state.clock.now()) {
        invite.createdAt = now;
        invite.expiresAt = state.clock.now() + inviteLifetimeMs;
      }
      invite.resentCount += 1;
      invite.resentAt = now;
      emitMembership(state, 'user.organization_invitation', organizationId, user);
      return { status: 200, body: { invite: inviteView(state, membership) } };
    }),
  ];
}
