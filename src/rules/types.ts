// The shape of the rule catalogue. The catalogue is data: reports, the unknown-ID check and the
// uncovered-rule listing all read it; no test or report keeps its own copy of a rule's text.

/** How binding a rule is. MUST failures fail a run (exit 1); SHOULD and MAY failures are reported as warnings. */
export type Force = 'MUST' | 'SHOULD' | 'MAY';

/** The rule areas; suites/ has one folder per area that has tests. */
export type RuleArea =
  | 'redirect-uris'
  | 'org-redirect-templates'
  | 'endpoints'
  | 'email-templates'
  | 'passwordless'
  | 'auth-logs'
  | 'webhook-delivery'
  | 'webhook-signatures'
  | 'webhook-payloads'
  | 'token-auth'
  | 'openapi'
  | 'other';

/** Where a rule can be observed: a spec operation, a plain HTTP endpoint outside the spec, the suite's own
 * receiver, only the dashboard (so only a model of it is testable), or the spec document itself. */
/** `sdk`: a fact about the official SDK, not the server; the harness's own tests keep it true (test/rules). */
export type CheckVia = 'api' | 'http' | 'receiver' | 'dashboard' | 'spec' | 'sdk';

/** Where a rule comes from. Sections are named by heading text, never by number, because numbers rot. */
export type SourceRef =
  /** The seed document the project was created from; `document` is the title of one of its parts. */
  | { readonly kind: 'seed'; readonly document: string; readonly section?: string }
  /** A current docs page, by file name without extension (as in shared/docs, e.g. `auth-logs`). */
  | { readonly kind: 'docs'; readonly page: string; readonly section?: string }
  /** Another page of the upstream developer-docs repository, path relative to src/content/docs/. */
  | { readonly kind: 'repo'; readonly path: string; readonly section?: string }
  /** An RFC 6901 JSON pointer into the pinned OpenAPI document. */
  | { readonly kind: 'spec'; readonly pointer: string }
  /** The official Node SDK source (secondary: used only where the docs contradict each other). */
  | { readonly kind: 'sdk'; readonly path: string; readonly lines?: string }
  /** A rule that follows from other rules rather than from one sentence. */
  | { readonly kind: 'derived'; readonly from: readonly string[] };

export interface Rule {
  /** Stable ID, e.g. `ALG-010`. Never reused, never renumbered. */
  readonly id: string;
  /** One line, in this project's words: the input and the expected outcome. */
  readonly statement: string;
  readonly force: Force;
  readonly area: RuleArea;
  readonly via: readonly CheckVia[];
  readonly sources: readonly SourceRef[];
  /** Contradictions (C-xx) and gaps (G-xx) that bear on this rule. */
  readonly related?: readonly string[];
  /**
   * Set for a rule that binds the receiving side or the spec itself, not the server under test (how a receiver
   * verifies, what the spec declares): the harness's own tests hold the suite's receiver and checks to it, so a
   * run reports it as not checkable against a target, with this reason.
   */
  readonly provenByHarness?: string;
}

/** Two or more sources that disagree, and what the suite does about it. */
export interface Contradiction {
  readonly id: string;
  readonly topic: string;
  readonly sides: readonly { readonly claim: string; readonly sources: readonly SourceRef[] }[];
  readonly resolution: string;
  readonly rules: readonly string[];
}

/** A point the sources leave open. It becomes a named profile setting with a documented default. */
export interface Gap {
  readonly id: string;
  readonly question: string;
  /** The profile setting(s) that will decide it, dotted names such as `redirects.lengthLimit`. */
  readonly settings: readonly string[];
  readonly defaultBehaviour: string;
  readonly rules: readonly string[];
}
