import type { HttpHandler } from 'msw';
import type { components } from '../../../generated/openapi.js';
import { paginate } from '../pagination.js';
import { badRequest, conflict, notFound, route } from '../route.js';
import type { MockState } from '../state.js';
import { fieldsOf, optionalString } from './organizations.js';

export type Permission = components['schemas']['rolesPermission'];

const namePattern = /^[A-Za-z0-9_:]{1,64}$/;
const permissionTypes = new Set(['SCALEKIT', 'ENVIRONMENT']);

const store = (state: MockState) => state.slice('permissions', () => new Map<string, Permission>());

type PermissionDeletedListener = (name: string) => void;
// Wiring, not data: kept outside the slices so `reset` keeps it.
const deletionListeners = new WeakMap<MockState, PermissionDeletedListener[]>();

/** Lets the role module drop a deleted permission from the roles that grant it. */
export function onPermissionDeleted(state: MockState, listener: PermissionDeletedListener): void {
  const listeners = deletionListeners.get(state) ?? [];
  listeners.push(listener);
  deletionListeners.set(state, listeners);
}

export function findPermission(state: MockState, name: string): Readonly<Permission> | undefined {
  return store(state).get(name);
}

export function requirePermission(state: MockState, name: string): Readonly<Permission> {
  const permission = findPermission(state, name);
  if (!permission) throw notFound(`permission ${name}`);
  return permission;
}

/** Every permission, in creation order. */
export function permissionStore(state: MockState): readonly Readonly<Permission>[] {
  return [...store(state).values()];
}

function checkDescription(fields: Record<string, unknown>): string | undefined {
  const description = optionalString(fields, 'description');
  if (description !== undefined && description.length > 2000) {
    throw badRequest('description must be at most 2000 characters');
  }
  return description;
}

const eventData = (permission: Permission) => ({ id: permission.id, name: permission.name });

export function permissionHandlers(state: MockState): HttpHandler[] {
  return [
    route(state, 'get', '/api/v1/permissions', ({ query }) => {
      const type = query.get('type');
      if (type !== null && type !== '' && !permissionTypes.has(type)) {
        throw badRequest('type must be SCALEKIT or ENVIRONMENT');
      }
      const matching = permissionStore(state).filter(
        (p) => !type || (type === 'SCALEKIT') === (p.is_scalekit_permission === true),
      );
      const page = paginate(matching, query);
      return {
        status: 200,
        body: {
          permissions: page.items.map((p) => ({ ...p })),
          next_page_token: page.next_page_token,
          prev_page_token: page.prev_page_token,
          total_size: page.total_size,
        },
      };
    }),

    route(state, 'post', '/api/v1/permissions', ({ body }) => {
      const fields = fieldsOf(body);
      const name = optionalString(fields, 'name');
      if (name === undefined || !namePattern.test(name)) {
        throw badRequest('name is required: 1-64 letters, digits, underscores and colons');
      }
      if (store(state).has(name)) throw conflict(`permission ${name} already exists`);
      const description = checkDescription(fields);
      const now = state.nowIso();
      const permission: Permission = {
        id: state.id('perm_'),
        name,
        ...(description !== undefined ? { description } : {}),
        is_scalekit_permission: false,
        create_time: now,
        update_time: now,
      };
      store(state).set(name, permission);
      state.emit('permission.created', 'Permission', eventData(permission));
      return { status: 201, body: { permission: { ...permission } } };
    }),

    route(state, 'get', '/api/v1/permissions/{permission_name}', ({ params }) => ({
      status: 200,
      body: { permission: { ...requirePermission(state, params.permission_name ?? '') } },
    })),

    route(state, 'put', '/api/v1/permissions/{permission_name}', ({ params, body }) => {
      const current = requirePermission(state, params.permission_name ?? '');
      const fields = fieldsOf(body);
      // The name is the permission's identifier: it can be repeated but not changed.
      const name = optionalString(fields, 'name');
      if (name !== undefined && name !== '' && name !== current.name) {
        throw badRequest('a permission name cannot be changed');
      }
      const description = checkDescription(fields);
      const next: Permission = {
        ...current,
        ...(description !== undefined ? { description } : {}),
        update_time: state.nowIso(),
      };
      store(state).set(next.name as string, next);
      state.emit('permission.updated', 'Permission', eventData(next));
      return { status: 200, body: { permission: { ...next } } };
    }),

    route(state, 'delete', '/api/v1/permissions/{permission_name}', ({ params }) => {
      const permission = requirePermission(state, params.permission_name ?? '');
      store(state).delete(permission.name as string);
      for (const listener of deletionListeners.get(state) ?? []) listener(permission.name as string);
      state.emit('permission.deleted', 'Permission', eventData(permission));
      return { status: 200, body: {} };
    }),
  ];
}
