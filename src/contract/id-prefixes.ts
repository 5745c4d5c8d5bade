// OAS-006: resource IDs carry the prefixes the spec's patterns, examples and descriptions document ("Must start
// with 'org_' prefix"). The spec rarely puts them in a `pattern` a validator would apply, so the check names them
// here: by the field (`organization_id`), or by the object an `id` belongs to (`organization.id`, `users[].id`).

/** Fields that hold a reference, and the prefix of what they reference. */
const byField: Readonly<Record<string, string>> = {
  organization_id: 'org_',
  org_id: 'org_',
  environment_id: 'env_',
  user_id: 'usr_',
  session_id: 'ses_',
  connection_id: 'conn_',
  directory_id: 'dir_',
  domain_id: 'dom_',
  connected_account_id: 'ca_',
};

/** Objects (or lists of them) whose own `id` has a documented prefix. */
const byParent: Readonly<Record<string, string>> = {
  organization: 'org_',
  organizations: 'org_',
  user: 'usr_',
  users: 'usr_',
  connection: 'conn_',
  connections: 'conn_',
  directory: 'dir_',
  directories: 'dir_',
  domain: 'dom_',
  domains: 'dom_',
  connected_account: 'ca_',
  connected_accounts: 'ca_',
};

/** Under a directory, users and groups are the directory's own: diruser_ and dirgroup_, not usr_. */
const inDirectory: Readonly<Record<string, string>> = {
  user: 'diruser_',
  users: 'diruser_',
  group: 'dirgroup_',
  groups: 'dirgroup_',
};

export interface PrefixViolation {
  pointer: string;
  expected: string;
  value: string;
}

/**
 * Every ID in a response body that lacks its documented prefix. `operationPath` decides what `users` means (the
 * directory's users under /directories/). Empty strings are left to the schema checks: an unset reference.
 */
export function idPrefixViolations(body: unknown, operationPath: string): PrefixViolation[] {
  const parents = /\/directories\/\{[^}]+\}\/(users|groups)/.test(operationPath)
    ? { ...byParent, ...inDirectory }
    : byParent;
  const found: PrefixViolation[] = [];
  const check = (value: unknown, expected: string, pointer: string) => {
    if (typeof value === 'string' && value !== '' && !value.startsWith(expected)) {
      found.push({ pointer, expected, value });
    }
  };
  const walk = (value: unknown, pointer: string, parent: string | undefined, depth: number) => {
    if (depth > 20 || !value || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) walk(item, `${pointer}/${i}`, parent, depth + 1);
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      const at = `${pointer}/${key}`;
      const ownPrefix = parent === undefined ? undefined : parents[parent];
      if (key === 'id' && ownPrefix) check(child, ownPrefix, at);
      else if (byField[key]) check(child, byField[key], at);
      // Maps (metadata, custom attributes) hold the caller's own values, not IDs.
      else if (key !== 'metadata' && key !== 'custom_attributes') walk(child, at, key, depth + 1);
    }
  };
  walk(body, '', undefined, 0);
  return found;
}
