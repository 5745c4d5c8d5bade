import type { HttpHandler } from 'msw';
import type { components } from '../../../generated/openapi.js';
import { badRequest, conflict, notFound, route } from '../route.js';
import type { MockState } from '../state.js';
import {
  type Fields,
  fieldsOf,
  onOrganizationDeleted,
  optionalString,
  optionalStringArray,
  requireOrganization,
} from './organizations.js';
import { findPermission, onPermissionDeleted, type Permission } from './permissions.js';

type Role = components['schemas']['v1rolesRole'];
type RolePermission = components['schemas']['rolesRolePermission'];
export type RoleReference = components['schemas']['commonsRole'];

interface RoleRecord {
  id: string;
  name: string;
  display_name: string;
  description?: string;
  /** The base role's name, resolved in this role's scope. */
  extends?: string;
  /** Directly granted permission names. */
  permissions: string[];
  /** Set for organization roles; environment roles have none. */
  organizationId?: string;
}

interface RolesSlice {
  roles: RoleRecord[];
  defaultCreator?: string;
  defaultMember?: string;
  organizationDefaultMember: Map<string, string>;
  /** Role names assigned to each membership, keyed by membershipKey. */
  assignments: Map<string, string[]>;
}

type Include = 'none' | 'permissions' | 'permissions:all';

const namePattern = /^[A-Za-z0-9_]{1,64}$/;
const maxPermissionsPerRole = 100;

// Like a new Scalekit environment, the mock starts with admin (default creator) and member (default member).
function seededSlice(state: MockState): RolesSlice {
  const seed = (name: string, display_name: string): RoleRecord => ({
    id: state.id('role_'),
    name,
    display_name,
    permissions: [],
  });
  return {
    roles: [seed('admin', 'Admin'), seed('member', 'Member')],
    defaultCreator: 'admin',
    defaultMember: 'member',
    organizationDefaultMember: new Map(),
    assignments: new Map(),
  };
}

const store = (state: MockState) => state.slice('roles', () => seededSlice(state));
const membershipKey = (organizationId: string, userId: string) => `${organizationId} ${userId}`;

// ---- lookups ----

const environmentRoles = (state: MockState) => store(state).roles.filter((r) => r.organizationId === undefined);

/** The roles visible in a scope: the environment's, plus one organization's own when given. */
function scopeRoles(state: MockState, organizationId?: string): RoleRecord[] {
  return store(state).roles.filter((r) => r.organizationId === undefined || r.organizationId === organizationId);
}

/** A role name in a scope: the organization's own role first, else the environment role. */
function resolveRole(state: MockState, name: string, organizationId?: string): RoleRecord | undefined {
  const roles = store(state).roles;
  return (
    (organizationId ? roles.find((r) => r.organizationId === organizationId && r.name === name) : undefined) ??
    roles.find((r) => r.organizationId === undefined && r.name === name)
  );
}

function requireEnvironmentRole(state: MockState, name: string): RoleRecord {
  const role = environmentRoles(state).find((r) => r.name === name);
  if (!role) throw notFound(`role ${name}`);
  return role;
}

function requireOrganizationRole(state: MockState, organizationId: string, name: string): RoleRecord {
  const role = store(state).roles.find((r) => r.organizationId === organizationId && r.name === name);
  if (!role) throw notFound(`organization role ${name}`);
  return role;
}

/** The role itself, then its base role, and so on (a cycle cannot be created, but is cut if met). */
function lineage(state: MockState, role: RoleRecord): RoleRecord[] {
  const chain: RoleRecord[] = [];
  let current: RoleRecord | undefined = role;
  while (current && !chain.includes(current)) {
    chain.push(current);
    current = current.extends ? resolveRole(state, current.extends, current.organizationId) : undefined;
  }
  return chain;
}

/** Roles whose base is `role` (organization roles may extend environment roles). */
function dependentsOf(state: MockState, role: RoleRecord): RoleRecord[] {
  return store(state).roles.filter(
    (r) => r !== role && r.extends === role.name && resolveRole(state, r.extends, r.organizationId) === role,
  );
}

function membershipsWith(state: MockState, role: RoleRecord): [string, string[]][] {
  return [...store(state).assignments.entries()].filter(
    ([key, names]) =>
      names.includes(role.name) && (role.organizationId === undefined || key.startsWith(`${role.organizationId} `)),
  );
}

// ---- views ----

function permissionView(permission: Readonly<Permission>): Permission {
  return { ...permission };
}

function rolePermissionView(permission: Readonly<Permission>, roleName: string): RolePermission {
  return {
    id: permission.id,
    name: permission.name,
    role_name: roleName,
    create_time: permission.create_time,
    update_time: permission.update_time,
  };
}

function directPermissions(state: MockState, role: RoleRecord): Permission[] {
  return role.permissions.flatMap((name) => {
    const permission = findPermission(state, name);
    return permission ? [permissionView(permission)] : [];
  });
}

/** Direct and inherited permissions, each once, with the role nearest in the lineage that grants it. */
function effectivePermissions(state: MockState, role: RoleRecord): { permission: Permission; grantedBy: string }[] {
  const seen = new Map<string, { permission: Permission; grantedBy: string }>();
  for (const source of lineage(state, role)) {
    for (const permission of directPermissions(state, source)) {
      const name = permission.name as string;
      if (!seen.has(name)) seen.set(name, { permission, grantedBy: source.name });
    }
  }
  return [...seen.values()];
}

function roleView(state: MockState, role: RoleRecord, include: Include = 'none', organizationId?: string): Role {
  const slice = store(state);
  const scope = organizationId ?? role.organizationId;
  const defaultMember = (scope ? slice.organizationDefaultMember.get(scope) : undefined) ?? slice.defaultMember;
  const view: Role = {
    id: role.id,
    name: role.name,
    display_name: role.display_name,
    ...(role.description !== undefined ? { description: role.description } : {}),
    ...(role.extends ? { extends: role.extends } : {}),
    is_org_role: role.organizationId !== undefined,
    default_creator: role.organizationId === undefined && slice.defaultCreator === role.name,
    default_member: defaultMember !== undefined && resolveRole(state, defaultMember, scope) === role,
    dependent_roles_count: dependentsOf(state, role).length,
  };
  if (include === 'permissions') {
    view.permissions = directPermissions(state, role).map((p) => rolePermissionView(p, role.name));
  } else if (include === 'permissions:all') {
    view.permissions = effectivePermissions(state, role).map((e) => rolePermissionView(e.permission, e.grantedBy));
  }
  return view;
}

const eventData = (role: RoleRecord) => ({
  id: role.id,
  name: role.name,
  display_name: role.display_name,
  ...(role.extends ? { extends: role.extends } : {}),
});

function emitRole(state: MockState, type: string, role: RoleRecord): void {
  state.emit(type, 'Role', eventData(role), role.organizationId);
}

// ---- request reading ----

function readInclude(query: URLSearchParams): Include {
  const include = query.get('include');
  if (include === null || include === '') return 'none';
  if (include === 'permissions' || include === 'permissions:all') return include;
  throw badRequest('include must be permissions or permissions:all');
}

function readPermissionNames(state: MockState, names: string[]): string[] {
  const unique = [...new Set(names)];
  if (unique.length > maxPermissionsPerRole) {
    throw badRequest(`a role can have at most ${maxPermissionsPerRole} permissions`);
  }
  const missing = unique.find((name) => !findPermission(state, name));
  if (missing !== undefined) throw badRequest(`permission ${missing} does not exist`);
  return unique;
}

function readDescription(fields: Fields): string | undefined {
  const description = optionalString(fields, 'description');
  if (description !== undefined && description.length > 2000) {
    throw badRequest('description must be at most 2000 characters');
  }
  return description;
}

/** Checks a new base role: it must exist in the role's scope and must not inherit from the role itself. */
function checkBase(state: MockState, base: string, role: { name: string; organizationId?: string }): string {
  const found = resolveRole(state, base, role.organizationId);
  if (!found) throw badRequest(`base role ${base} does not exist`);
  if (lineage(state, found).some((r) => r.name === role.name && r.organizationId === role.organizationId)) {
    throw badRequest(`role ${role.name} cannot extend ${base}: that would make the inheritance circular`);
  }
  return base;
}

function createRole(state: MockState, fields: Fields, organizationId?: string): RoleRecord {
  const name = optionalString(fields, 'name');
  if (name === undefined || !namePattern.test(name)) {
    throw badRequest('name is required: 1-64 letters, digits and underscores');
  }
  // Names must stay unambiguous wherever the role is visible, so an environment role may not shadow any
  // organization's role and an organization role may not shadow an environment role.
  const clash = store(state).roles.find(
    (r) =>
      r.name === name &&
      (organizationId === undefined || r.organizationId === undefined || r.organizationId === organizationId),
  );
  if (clash) throw conflict(`a role named ${name} already exists`);
  const base = optionalString(fields, 'extends');
  const description = readDescription(fields);
  const role: RoleRecord = {
    id: state.id('role_'),
    name,
    display_name: optionalString(fields, 'display_name') || name,
    ...(description !== undefined ? { description } : {}),
    ...(base ? { extends: checkBase(state, base, { name, organizationId }) } : {}),
    permissions: readPermissionNames(state, optionalStringArray(fields, 'permissions') ?? []),
    ...(organizationId ? { organizationId } : {}),
  };
  store(state).roles.push(role);
  emitRole(state, 'role.created', role);
  return role;
}

function updateRole(state: MockState, role: RoleRecord, fields: Fields): RoleRecord {
  const displayName = optionalString(fields, 'display_name');
  const description = readDescription(fields);
  const base = optionalString(fields, 'extends');
  const permissions = optionalStringArray(fields, 'permissions');
  if (base) checkBase(state, base, role);
  if (permissions !== undefined) role.permissions = readPermissionNames(state, permissions);
  if (displayName) role.display_name = displayName;
  if (description !== undefined) role.description = description;
  // An empty extends removes the base role.
  if (base === '') delete role.extends;
  else if (base !== undefined) role.extends = base;
  emitRole(state, 'role.updated', role);
  return role;
}

/** The replacement a delete moves members and dependent roles to; it must not inherit from the deleted role. */
function readReplacement(state: MockState, role: RoleRecord, query: URLSearchParams): RoleRecord | undefined {
  const wanted = query.get('reassign_role_name') || query.get('reassign_role_id');
  if (!wanted) return undefined;
  const replacement =
    resolveRole(state, wanted, role.organizationId) ??
    scopeRoles(state, role.organizationId).find((r) => r.id === wanted);
  if (!replacement) throw badRequest(`reassignment role ${wanted} does not exist`);
  if (lineage(state, replacement).includes(role)) {
    throw badRequest(`reassignment role ${replacement.name} must be a role that does not extend ${role.name}`);
  }
  return replacement;
}

function deleteRole(state: MockState, role: RoleRecord, query: URLSearchParams, membersNeedReplacement: boolean) {
  const slice = store(state);
  const replacement = readReplacement(state, role, query);
  const dependents = dependentsOf(state, role);
  const members = membershipsWith(state, role);
  if (!replacement && dependents.length > 0) {
    throw badRequest(`role ${role.name} has ${dependents.length} dependent roles; pass reassign_role_name`);
  }
  if (!replacement && membersNeedReplacement && members.length > 0) {
    throw badRequest(`role ${role.name} is assigned to ${members.length} members; pass reassign_role_name`);
  }
  for (const dependent of dependents) dependent.extends = replacement?.name;
  for (const [key, names] of members) {
    const next = names.filter((n) => n !== role.name);
    if (replacement && !next.includes(replacement.name)) next.push(replacement.name);
    slice.assignments.set(key, next);
  }
  if (role.organizationId === undefined) {
    if (slice.defaultCreator === role.name) slice.defaultCreator = replacement?.name;
    if (slice.defaultMember === role.name) slice.defaultMember = replacement?.name;
  }
  for (const [organizationId, name] of slice.organizationDefaultMember) {
    if (name !== role.name || resolveRole(state, name, organizationId) !== role) continue;
    if (replacement) slice.organizationDefaultMember.set(organizationId, replacement.name);
    else slice.organizationDefaultMember.delete(organizationId);
  }
  slice.roles = slice.roles.filter((r) => r !== role);
  emitRole(state, 'role.deleted', role);
}

/** A default-role field: the role name, or the deprecated `{ name, id }` object. */
function readDefaultRole(state: MockState, fields: Fields, nameKey: string, objectKey: string) {
  const reference = fieldsOf(fields[objectKey]);
  const name = optionalString(fields, nameKey) || optionalString(reference, 'name');
  const id = optionalString(reference, 'id');
  if (!name && !id) return undefined;
  const role = environmentRoles(state).find((r) => (name ? r.name === name : r.id === id));
  if (!role) throw badRequest(`${nameKey}: role ${name || id} does not exist in the environment`);
  return role;
}

function setDefaultRoles(state: MockState, fields: Fields) {
  const creator = readDefaultRole(state, fields, 'default_creator_role', 'default_creator');
  const member = readDefaultRole(state, fields, 'default_member_role', 'default_member');
  if (!creator && !member) throw badRequest('default_creator_role or default_member_role is required');
  const slice = store(state);
  if (creator) slice.defaultCreator = creator.name;
  if (member) slice.defaultMember = member.name;
  const current = (name: string | undefined) => environmentRoles(state).find((r) => r.name === name);
  const currentCreator = current(slice.defaultCreator);
  const currentMember = current(slice.defaultMember);
  return {
    ...(currentCreator ? { default_creator: roleView(state, currentCreator) } : {}),
    ...(currentMember ? { default_member: roleView(state, currentMember) } : {}),
  };
}

// ---- accessors for memberships (users module) ----

/** Checks role names for a membership in an organization; unknown names are a 400. */
export function checkAssignableRoles(state: MockState, organizationId: string, names: string[]): string[] {
  const unique = [...new Set(names)];
  const missing = unique.find((name) => !resolveRole(state, name, organizationId));
  if (missing !== undefined) throw badRequest(`role ${missing} does not exist`);
  return unique;
}

/** The role a new member gets when none is given: the organization's default, else the environment's. */
export function defaultMemberRoles(state: MockState, organizationId: string): string[] {
  const slice = store(state);
  const name = slice.organizationDefaultMember.get(organizationId) ?? slice.defaultMember;
  return name && resolveRole(state, name, organizationId) ? [name] : [];
}

export function setMembershipRoles(state: MockState, organizationId: string, userId: string, names: string[]): void {
  store(state).assignments.set(membershipKey(organizationId, userId), [...names]);
}

export function clearMembershipRoles(state: MockState, organizationId: string, userId: string): void {
  store(state).assignments.delete(membershipKey(organizationId, userId));
}

function assignedRoles(state: MockState, organizationId: string, userId: string): RoleRecord[] {
  const names = store(state).assignments.get(membershipKey(organizationId, userId)) ?? [];
  return names.flatMap((name) => resolveRole(state, name, organizationId) ?? []);
}

const reference = (role: RoleRecord): RoleReference => ({
  id: role.id,
  name: role.name,
  display_name: role.display_name,
});

/** The roles assigned to a membership. */
export function membershipRoles(state: MockState, organizationId: string, userId: string): RoleReference[] {
  return assignedRoles(state, organizationId, userId).map(reference);
}

/** The assigned roles and the roles they inherit from, each once. */
export function membershipRolesWithInherited(
  state: MockState,
  organizationId: string,
  userId: string,
): RoleReference[] {
  const all = new Set(assignedRoles(state, organizationId, userId).flatMap((role) => lineage(state, role)));
  return [...all].map(reference);
}

/** Every permission a membership has through its roles, inherited ones included, each once. */
export function membershipPermissions(state: MockState, organizationId: string, userId: string): Permission[] {
  const byName = new Map<string, Permission>();
  for (const role of assignedRoles(state, organizationId, userId)) {
    for (const { permission } of effectivePermissions(state, role)) byName.set(permission.name as string, permission);
  }
  return [...byName.values()];
}

// ---- handlers ----

/** Roles the `contract.create-not-visible` fault hides from their first get. */
const notYetVisible = (state: MockState) => state.slice('contract.not-yet-visible', () => new Set<string>());

export function roleHandlers(state: MockState): HttpHandler[] {
  onOrganizationDeleted(state, (organizationId) => {
    const slice = store(state);
    slice.roles = slice.roles.filter((r) => r.organizationId !== organizationId);
    slice.organizationDefaultMember.delete(organizationId);
    for (const key of [...slice.assignments.keys()]) {
      if (key.startsWith(`${organizationId} `)) slice.assignments.delete(key);
    }
  });
  onPermissionDeleted(state, (name) => {
    for (const role of store(state).roles) role.permissions = role.permissions.filter((p) => p !== name);
  });

  const environmentRole = (params: Record<string, string>) => requireEnvironmentRole(state, params.role_name ?? '');

  return [
    route(state, 'get', '/api/v1/roles', ({ query }) => {
      const include = readInclude(query);
      // The environment's roles and, as the operation describes, every organization's own roles.
      return { status: 200, body: { roles: store(state).roles.map((r) => roleView(state, r, include)) } };
    }),

    route(state, 'post', '/api/v1/roles', ({ body }) => {
      const role = roleView(state, createRole(state, fieldsOf(body)));
      // The fault makes a new role invisible to the first get, as a lagging read replica would (OAS-019).
      if (state.has('contract.create-not-visible') && role.name) notYetVisible(state).add(role.name);
      // The fault answers 200, a success status this operation does not declare (OAS-010).
      if (state.has('contract.create-role-200'))
        return new Response(JSON.stringify({ role }), { status: 200, headers: { 'content-type': 'application/json' } });
      return { status: 201, body: { role } };
    }),

    route(state, 'patch', '/api/v1/roles/default', ({ body }) => ({
      status: 200,
      body: setDefaultRoles(state, fieldsOf(body)),
    })),

    route(state, 'patch', '/api/v1/roles:set_defaults', ({ body }) => ({
      status: 200,
      body: setDefaultRoles(state, fieldsOf(body)),
    })),

    route(state, 'get', '/api/v1/roles/{role_name}', ({ params, query }) => {
      if (state.has('contract.existing-role-404')) throw notFound(`role ${params.role_name}`);
      if (notYetVisible(state).delete(params.role_name ?? '')) throw notFound(`role ${params.role_name}`);
      return { status: 200, body: { role: roleView(state, environmentRole(params), readInclude(query)) } };
    }),

    route(state, 'put', '/api/v1/roles/{role_name}', ({ params, body }) => ({
      status: 200,
      body: { role: roleView(state, updateRole(state, environmentRole(params), fieldsOf(body))) },
    })),

    route(state, 'delete', '/api/v1/roles/{role_name}', ({ params, query }) => {
      deleteRole(state, environmentRole(params), query, true);
      return { status: 200, body: {} };
    }),

    route(state, 'get', '/api/v1/roles/{role_name}/dependents', ({ params }) => ({
      status: 200,
      body: { roles: dependentsOf(state, environmentRole(params)).map((r) => roleView(state, r)) },
    })),

    route(state, 'get', '/api/v1/roles/{role_name}/permissions', ({ params }) => ({
      status: 200,
      body: { permissions: directPermissions(state, environmentRole(params)) },
    })),

    route(state, 'post', '/api/v1/roles/{role_name}/permissions', ({ params, body }) => {
      const role = environmentRole(params);
      const names = optionalStringArray(fieldsOf(body), 'permission_names') ?? [];
      if (names.length === 0) throw badRequest('permission_names must name at least one permission');
      role.permissions = readPermissionNames(state, [...role.permissions, ...names]);
      emitRole(state, 'role.updated', role);
      return { status: 200, body: { permissions: directPermissions(state, role) } };
    }),

    route(state, 'delete', '/api/v1/roles/{role_name}/permissions/{permission_name}', ({ params }) => {
      const role = environmentRole(params);
      const name = params.permission_name ?? '';
      if (!role.permissions.includes(name)) throw notFound(`permission ${name} on role ${role.name}`);
      role.permissions = role.permissions.filter((p) => p !== name);
      emitRole(state, 'role.updated', role);
      return { status: 200, body: {} };
    }),

    route(state, 'get', '/api/v1/roles/{role_name}/permissions:all', ({ params }) => ({
      status: 200,
      body: {
        permissions: effectivePermissions(state, environmentRole(params)).map((e) => e.permission),
      },
    })),

    route(state, 'get', '/api/v1/roles/{role_name}/users:count', ({ params }) => ({
      status: 200,
      // The schema declares count as an int64 string.
      body: { count: String(membershipsWith(state, environmentRole(params)).length) },
    })),

    route(state, 'get', '/api/v1/organizations/{org_id}/roles', ({ params, query }) => {
      const organizationId = requireOrganization(state, params.org_id ?? '').id as string;
      const include = readInclude(query);
      const roles = scopeRoles(state, organizationId).map((r) => roleView(state, r, include, organizationId));
      return { status: 200, body: { roles } };
    }),

    route(state, 'post', '/api/v1/organizations/{org_id}/roles', ({ params, body }) => {
      const organizationId = requireOrganization(state, params.org_id ?? '').id as string;
      const role = createRole(state, fieldsOf(body), organizationId);
      return { status: 201, body: { role: roleView(state, role, 'none', organizationId) } };
    }),

    route(state, 'get', '/api/v1/organizations/{org_id}/roles/{role_name}', ({ params, query }) => {
      const organizationId = requireOrganization(state, params.org_id ?? '').id as string;
      const role = resolveRole(state, params.role_name ?? '', organizationId);
      if (!role) throw notFound(`role ${params.role_name}`);
      return { status: 200, body: { role: roleView(state, role, readInclude(query), organizationId) } };
    }),

    route(state, 'put', '/api/v1/organizations/{org_id}/roles/{role_name}', ({ params, body }) => {
      const organizationId = requireOrganization(state, params.org_id ?? '').id as string;
      const role = requireOrganizationRole(state, organizationId, params.role_name ?? '');
      updateRole(state, role, fieldsOf(body));
      return { status: 200, body: { role: roleView(state, role, 'none', organizationId) } };
    }),

    route(state, 'delete', '/api/v1/organizations/{org_id}/roles/{role_name}', ({ params, query }) => {
      const organizationId = requireOrganization(state, params.org_id ?? '').id as string;
      // Reassigning members is optional here: without a replacement they simply lose the role.
      deleteRole(state, requireOrganizationRole(state, organizationId, params.role_name ?? ''), query, false);
      return { status: 200, body: {} };
    }),

    route(state, 'patch', '/api/v1/organizations/{org_id}/roles:set_defaults', ({ params, body }) => {
      const organizationId = requireOrganization(state, params.org_id ?? '').id as string;
      const name = optionalString(fieldsOf(body), 'default_member_role');
      if (!name) throw badRequest('default_member_role is required');
      const role = resolveRole(state, name, organizationId);
      if (!role) throw badRequest(`default_member_role: role ${name} does not exist in this organization`);
      store(state).organizationDefaultMember.set(organizationId, role.name);
      return { status: 200, body: { default_member: roleView(state, role, 'none', organizationId) } };
    }),
  ];
}
