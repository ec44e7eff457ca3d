// Policy versions for leads: list, read, validate, create, diff, activate, roll back, run a
// candidate in shadow and read what it would have done. A version is validated before it is
// stored and again before it becomes active, so an invalid policy never runs; the version in force
// keeps running meanwhile. Every change is one conditional statement with its audit entry.
import {
  apiError,
  describeChange,
  diffPolicies,
  type DocumentVersion,
  HeadMoveRequestSchema,
  type HeadMoveResponse,
  type HeadRole,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  json,
  NewPolicyRequestSchema,
  type PoliciesResponse,
  type PolicyDiffResponse,
  type PolicyFile,
  policyHash,
  policyProblems,
  type PolicyValidationResponse,
  type PolicyVersionMeta,
  type PolicyVersionResponse,
  policyWarnings,
  type ShadowLog,
  type ShadowReportResponse,
  type VersionedDocuments,
} from '@sinbin/contract';
import type { Kit, Principal } from './kit';
import { shadowReport } from './reports';

export interface PolicyDeps {
  kit: Kit;
  documents: VersionedDocuments;
  shadow: ShadowLog;
  /** Categories the models in service report (for warnings about rules on unknown ones). */
  knownCategories: () => readonly string[];
  now: () => Date;
}

const meta = (v: DocumentVersion): PolicyVersionMeta => ({
  version: v.version,
  createdAt: v.createdAt,
  createdBy: v.createdBy,
  source: v.source,
  ...(v.note ? { note: v.note } : {}),
  contentHash: v.contentHash,
});

/** The version active before the current one became active (like `kubectl rollout undo`: twice returns), or null. */
export function rollbackTarget(moves: readonly { version: number | null }[], current: number | undefined): number | null {
  return moves.find((m) => m.version !== null && m.version !== current)?.version ?? null;
}

export function policyRoutes(deps: PolicyDeps): HttpRoute[] {
  const { kit, documents, now } = deps;

  function versionParam(req: HttpRequest): number | undefined {
    const v = Number(req.params.version);
    return Number.isInteger(v) && v > 0 ? v : undefined;
  }

  /** The stored version as a valid policy, or the answer that says why not. */
  async function load(version: number): Promise<{ ok: true; stored: DocumentVersion; policy: PolicyFile } | { ok: false; response: HttpResponse }> {
    const stored = await documents.get('policy', version);
    if (!stored) return { ok: false, response: apiError('not-found', `no policy version ${version}`) };
    const { file, problems } = policyProblems(stored.body, `version ${version}`);
    if (!file) return { ok: false, response: apiError('invalid-policy', `version ${version} is not valid under this release: ${problems.join('; ')}`, { details: { problems } }) };
    return { ok: true, stored, policy: file };
  }

  async function list(req: HttpRequest): Promise<HttpResponse> {
    const before = Number(req.query.get('before'));
    const limit = 50;
    const [heads, versions, moves] = await Promise.all([
      documents.heads('policy'),
      documents.list('policy', { limit, ...(Number.isInteger(before) && before > 0 ? { before } : {}) }),
      documents.activations('policy', 'active', 50),
    ]);
    return json(200, {
      active: heads.active ?? null,
      shadow: heads.shadow ?? null,
      versions: versions.map(meta),
      rollbackTo: rollbackTarget(moves, heads.active?.version),
      ...(versions.length === limit ? { next: versions.at(-1)!.version } : {}),
    } satisfies PoliciesResponse);
  }

  async function get(req: HttpRequest): Promise<HttpResponse> {
    const version = versionParam(req);
    if (!version) return apiError('not-found', 'no such policy version');
    const stored = await documents.get('policy', version);
    if (!stored) return apiError('not-found', `no policy version ${version}`);
    const heads = await documents.heads('policy');
    const { file } = policyProblems(stored.body);
    return json(200, {
      ...meta(stored),
      policy: stored.body as Record<string, unknown>,
      active: heads.active?.version === version,
      shadow: heads.shadow?.version === version,
      warnings: file ? policyWarnings(file, deps.knownCategories()) : ['not valid under this release; it cannot be activated'],
    } satisfies PolicyVersionResponse);
  }

  /** What a document would be: its problems, warnings and changes against the active version. */
  async function check(document: unknown): Promise<PolicyValidationResponse & { file?: PolicyFile }> {
    const { file, problems } = policyProblems(document, 'policy');
    const heads = await documents.heads('policy');
    const activeVersion = heads.active?.version ?? null;
    let changes: PolicyValidationResponse['changes'] = [];
    if (file && activeVersion !== null) {
      const active = await load(activeVersion);
      if (active.ok) changes = diffPolicies(active.policy, file);
    }
    return { valid: file !== undefined, problems, warnings: file ? policyWarnings(file, deps.knownCategories()) : [], against: activeVersion, changes, lines: changes.map(describeChange), ...(file ? { file } : {}) };
  }

  async function validate(req: HttpRequest): Promise<HttpResponse> {
    const parsed = kit.body(req, NewPolicyRequestSchema, 'invalid-body');
    if (!parsed.ok) return parsed.response;
    const { file: _file, ...answer } = await check(parsed.data.policy);
    return json(200, answer satisfies PolicyValidationResponse);
  }

  async function create(req: HttpRequest, who: Principal): Promise<HttpResponse> {
    const parsed = kit.body(req, NewPolicyRequestSchema, 'invalid-body');
    if (!parsed.ok) return parsed.response;
    const checked = await check(parsed.data.policy);
    if (!checked.file) return apiError('invalid-policy', checked.problems.join('; '), { details: { problems: checked.problems } });
    const stored = await documents.create('policy', checked.file, {
      by: who.moderatorId,
      source: 'api',
      contentHash: policyHash(checked.file),
      now: now(),
      ...(parsed.data.note ? { note: parsed.data.note } : {}),
    });
    return json(201, { ...meta(stored), warnings: checked.warnings, changes: checked.changes, lines: checked.lines });
  }

  async function diff(req: HttpRequest): Promise<HttpResponse> {
    const to = versionParam(req);
    if (!to) return apiError('not-found', 'no such policy version');
    const against = req.query.get('against') ?? 'active';
    const heads = await documents.heads('policy');
    const from = against === 'active' ? heads.active?.version : against === 'previous' ? to - 1 : Number(against);
    if (!from || !Number.isInteger(from) || from < 1) return apiError('invalid-query', 'against: a version number, `active` or `previous`');
    const [a, b] = await Promise.all([load(from), load(to)]);
    if (!b.ok) return b.response;
    if (!a.ok) return a.response;
    const changes = diffPolicies(a.policy, b.policy);
    return json(200, { from, to, changes, lines: changes.map(describeChange) } satisfies PolicyDiffResponse);
  }

  /** Moves a head, checked: the version must exist and be valid now, and `expected` must hold. */
  async function move(req: HttpRequest, who: Principal, role: HeadRole, version: number | null, detail: Record<string, unknown> = {}): Promise<HttpResponse> {
    const parsed = kit.body(req, HeadMoveRequestSchema);
    if (!parsed.ok) return parsed.response;
    const heads = await documents.heads('policy');
    if (version !== null) {
      const loaded = await load(version);
      if (!loaded.ok) return loaded.response;
      if (role === 'shadow' && heads.active?.version === version) return apiError('already-active', `version ${version} is the active one; run a different version in shadow`);
    }
    const previous = heads[role]?.version ?? null;
    const outcome = await documents.point('policy', role, version, {
      by: who.moderatorId,
      now: now(),
      ...(parsed.data.expected !== undefined ? { expected: parsed.data.expected } : {}),
      detail,
    });
    switch (outcome) {
      case 'not-found':
        return apiError('not-found', `no policy version ${version}`);
      case 'conflict': {
        const current = (await documents.heads('policy'))[role]?.version ?? null;
        return apiError('version-conflict', `the ${role} version is ${current ?? 'unset'}, not ${parsed.data.expected ?? 'unset'}; nothing changed`, { details: { current } });
      }
      case 'unchanged':
      case 'moved': {
        // Activating the candidate that ran in shadow ends its shadow run: it now decides.
        if (role === 'active' && outcome === 'moved' && heads.shadow?.version === version) await documents.point('policy', 'shadow', null, { by: who.moderatorId, now: now(), detail: { reason: 'activated' } });
        return json(200, { role, version, previous: outcome === 'moved' ? previous : version, changed: outcome === 'moved' } satisfies HeadMoveResponse);
      }
    }
  }

  async function rollback(req: HttpRequest, who: Principal): Promise<HttpResponse> {
    const [heads, moves] = await Promise.all([documents.heads('policy'), documents.activations('policy', 'active', 50)]);
    const target = rollbackTarget(moves, heads.active?.version);
    if (!target) return apiError('no-previous-version', 'no earlier policy version was ever active');
    return move(req, who, 'active', target, { rollback: true });
  }

  async function report(req: HttpRequest): Promise<HttpResponse> {
    const heads = await documents.heads('policy');
    const asked = req.query.get('version');
    const version = asked ? Number(asked) : heads.shadow?.version;
    if (!version || !Number.isInteger(version) || version < 1) return apiError('not-found', 'no policy runs in shadow; give ?version= to read an earlier shadow run');
    const hours = Number(req.query.get('hours') ?? 24);
    if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 30) return apiError('invalid-query', 'hours: a number of hours, up to 720');
    const until = now();
    const since = new Date(until.getTime() - hours * 3600_000);
    const tallies = await deps.shadow.tallies({ shadowVersion: version, since, until, examples: 20 });
    const period = hours === 24 ? 'in the last 24 hours' : `in the last ${hours} hour${hours === 1 ? '' : 's'}`;
    return json(200, shadowReport(tallies, { shadowVersion: version, activeVersion: heads.active?.version ?? null, since, until, period }) satisfies ShadowReportResponse);
  }

  // Fixed paths before `:version`: the first route that matches answers.
  return [
    { method: 'GET', path: '/v1/policies', handler: kit.authed(list, 'lead') },
    { method: 'POST', path: '/v1/policies', handler: kit.authed(create, 'lead') },
    { method: 'POST', path: '/v1/policies/validate', handler: kit.authed(validate, 'lead') },
    { method: 'POST', path: '/v1/policies/rollback', handler: kit.authed(rollback, 'lead') },
    { method: 'GET', path: '/v1/policies/shadow/report', handler: kit.authed(report, 'lead') },
    { method: 'DELETE', path: '/v1/policies/shadow', handler: kit.authed((req, who) => move(req, who, 'shadow', null), 'lead') },
    { method: 'GET', path: '/v1/policies/:version', handler: kit.authed(get, 'lead') },
    { method: 'GET', path: '/v1/policies/:version/diff', handler: kit.authed(diff, 'lead') },
    {
      method: 'POST',
      path: '/v1/policies/:version/activate',
      handler: kit.authed(async (req, who) => (versionParam(req) ? move(req, who, 'active', versionParam(req)!) : apiError('not-found', 'no such policy version')), 'lead'),
    },
    {
      method: 'POST',
      path: '/v1/policies/:version/shadow',
      handler: kit.authed(async (req, who) => (versionParam(req) ? move(req, who, 'shadow', versionParam(req)!) : apiError('not-found', 'no such policy version')), 'lead'),
    },
  ];
}
