import type { HttpHandler } from 'msw';
import type { components } from '../../../generated/openapi.js';
import { badRequest, notFound, route } from '../route.js';
import type { MockState } from '../state.js';
import { onOrganizationDeleted, requireOrganization } from './organizations.js';

type Domain = components['schemas']['domainsDomain'];
type DomainType = components['schemas']['domainsDomainType'];

const domainTypes: readonly DomainType[] = ['ALLOWED_EMAIL_DOMAIN', 'ORGANIZATION_DOMAIN'];

// The spec says public and disposable domains are blocked; a short list is enough to exercise that.
const publicDomains = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'yahoo.com',
  'icloud.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'mailinator.com',
  'yopmail.com',
]);

const hostname = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const domains = (state: MockState) => state.slice('domains', () => new Map<string, Domain>());

// States whose organization-deletion listener is registered; the handlers may be built more than once for a state.
const wired = new WeakSet<MockState>();

/** Every domain in the environment, in creation order. */
export function allDomains(state: MockState): Domain[] {
  return [...domains(state).values()];
}

/** An organization's domains in creation order; connections use them for their `domains` and the domain filter. */
export function organizationDomains(state: MockState, organizationId: string): Domain[] {
  return allDomains(state).filter((d) => d.organization_id === organizationId);
}

function requireDomain(state: MockState, organizationId: string, id: string): Domain {
  const domain = domains(state).get(id);
  if (!domain || domain.organization_id !== organizationId) throw notFound(`domain ${id}`);
  return domain;
}

/** OrganizationDomainEventData for the domain webhooks. */
function eventData(domain: Domain): Record<string, unknown> {
  return {
    id: domain.id,
    domain: domain.domain,
    domain_type: domain.domain_type,
    organization_id: domain.organization_id,
    environment_id: domain.environment_id,
    verification_status: domain.verification_status,
    verification_method: domain.verification_method,
    updated_at: domain.update_time,
    ...(domain.verification_method === 'DNS' ? { txt_record_key: 'scalekit-domain-verification' } : {}),
  };
}

function nonNegativeInteger(text: string | null, name: string): number | undefined {
  if (text === null || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw badRequest(`${name} must be a non-negative integer`);
  return value;
}

/** Organization domains: create, read, list (page_number style), delete. */
export function domainHandlers(state: MockState): HttpHandler[] {
  if (!wired.has(state)) {
    wired.add(state);
    // A deleted organization's domains go with it (quietly: organization.deleted covers them).
    onOrganizationDeleted(state, (organizationId) => {
      const store = domains(state);
      for (const [id, domain] of [...store]) if (domain.organization_id === organizationId) store.delete(id);
    });
  }
  return [
    route(state, 'get', '/api/v1/organizations/{organization_id}/domains', ({ params, query }) => {
      const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
      const type = query.get('domain_type');
      if (type !== null && type !== '' && !domainTypes.includes(type as DomainType)) {
        throw badRequest(`domain_type must be one of ${domainTypes.join(', ')}`);
      }
      const requestedSize = nonNegativeInteger(query.get('page_size'), 'page_size') ?? 0;
      const size = Math.min(requestedSize === 0 ? 30 : requestedSize, 100);
      // page_number is 0-based per the spec's parameter description.
      const pageNumber = nonNegativeInteger(query.get('page_number'), 'page_number') ?? 0;
      const matching = organizationDomains(state, organizationId).filter((d) => !type || d.domain_type === type);
      const page = matching.slice(pageNumber * size, (pageNumber + 1) * size);
      // The response's page_size is "the number of domains returned in this page".
      return { status: 200, body: { domains: page, page_number: pageNumber, page_size: page.length } };
    }),

    route(state, 'post', '/api/v1/organizations/{organization_id}/domains', ({ params, body }) => {
      const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
      const input = body as Record<string, unknown>;
      if (typeof input.domain !== 'string') throw badRequest('domain is required');
      const name = input.domain.trim().toLowerCase();
      if (!hostname.test(name)) throw badRequest(`${input.domain} is not a valid domain name`);
      if (publicDomains.has(name)) throw badRequest(`${name} is a public or disposable email domain`);
      const type = input.domain_type ?? 'ORGANIZATION_DOMAIN';
      if (!domainTypes.includes(type as DomainType))
        throw badRequest(`domain_type must be one of ${domainTypes.join(', ')}`);
      // The spec declares 400 (not 409) for an existing domain.
      if (organizationDomains(state, organizationId).some((d) => d.domain === name)) {
        throw badRequest(`${name} already exists in organization ${organizationId}`);
      }
      const now = state.nowIso();
      const organizationDomain = type === 'ORGANIZATION_DOMAIN';
      const domain: Domain = {
        // Seeded fault: a bare number where the docs promise dom_ (OAS-006).
        id: state.id(state.has('contract.domain-id-unprefixed') ? '' : 'dom_', 17),
        domain: name,
        domain_type: type,
        organization_id: organizationId,
        environment_id: state.environmentId,
        // SSO discovery domains need DNS proof; allowed email domains need none.
        verification_status: organizationDomain ? 'PENDING' : 'AUTO_VERIFIED',
        verification_method: organizationDomain ? 'DNS' : 'NOT_APPLICABLE',
        create_time: now,
        update_time: now,
      };
      domains(state).set(domain.id ?? '', domain);
      state.emit('organization.domain_created', 'Organization', eventData(domain), organizationId);
      return { status: 200, body: { domain } };
    }),

    route(state, 'get', '/api/v1/organizations/{organization_id}/domains/{id}', ({ params }) => {
      const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
      return { status: 200, body: { domain: requireDomain(state, organizationId, params.id ?? '') } };
    }),

    route(state, 'delete', '/api/v1/organizations/{organization_id}/domains/{id}', ({ params }) => {
      const organizationId = requireOrganization(state, params.organization_id ?? '').id as string;
      const domain = requireDomain(state, organizationId, params.id ?? '');
      domains(state).delete(domain.id ?? '');
      state.emit('organization.domain_deleted', 'Organization', eventData(domain), organizationId);
      return { status: 200, body: {} };
    }),
  ];
}
