// Moderators' wellbeing: the worst terms masked until revealed, a per-moderator count of the worst
// content seen today with a break reminder, and the lead's view of who saw how much. Settings are
// a versioned document leads change through the API (audited like policies).
import {
  apiError,
  type ExposureStore,
  type HttpRequest,
  type HttpResponse,
  type HttpRoute,
  json,
  type Logger,
  type MaskSpan,
  type Metrics,
  type ModerationCase,
  type ModeratorStore,
  type MyExposureResponse,
  type StoredCase,
  type TeamExposureResponse,
  type VersionedDocuments,
  type WellbeingSettings,
  WellbeingSettingsSchema,
} from '@sinbin/contract';
import { createMasker } from '@sinbin/scoring/terms';
import { createHash } from 'node:crypto';
import { breakDue, isSevere, utcDay } from './core';
import type { Kit, Principal } from './kit';

export const DEFAULT_WELLBEING: WellbeingSettings = WellbeingSettingsSchema.parse({});

export interface Wellbeing {
  version: number | null;
  settings: WellbeingSettings;
  /** The spans to mask in a text (none when masking is off). */
  mask(text: string): MaskSpan[];
}

/** The active wellbeing settings, read at most every `ttlMs` (they change rarely; a change here is seen at once). */
export class WellbeingSource {
  private cached: { at: number; value: Wellbeing } | undefined;
  private readonly maskers = new Map<number, (text: string) => MaskSpan[]>();

  constructor(
    private readonly documents: VersionedDocuments,
    private readonly log: Logger,
    private readonly ttlMs = 2000,
  ) {}

  invalidate(): void {
    this.cached = undefined;
  }

  async current(): Promise<Wellbeing> {
    if (this.cached && performance.now() - this.cached.at < this.ttlMs) return this.cached.value;
    const heads = await this.documents.heads('wellbeing');
    let version: number | null = null;
    let settings = DEFAULT_WELLBEING;
    if (heads.active) {
      const stored = await this.documents.get('wellbeing', heads.active.version);
      const parsed = WellbeingSettingsSchema.safeParse(stored?.body);
      if (parsed.success) {
        version = heads.active.version;
        settings = parsed.data;
      } else this.log.error({ version: heads.active.version }, 'stored wellbeing settings are not valid under this release; using the defaults');
    }
    const masker = this.masker(settings.maskFromWeight);
    const value: Wellbeing = { version, settings, mask: (text) => (settings.mask ? masker(text) : []) };
    this.cached = { at: performance.now(), value };
    return value;
  }

  private masker(minWeight: number): (text: string) => MaskSpan[] {
    let m = this.maskers.get(minWeight);
    if (!m) this.maskers.set(minWeight, (m = createMasker({ minWeight })));
    return m;
  }
}

export interface WellbeingDeps {
  kit: Kit;
  source: WellbeingSource;
  documents: VersionedDocuments;
  exposure: ExposureStore;
  moderators: ModeratorStore;
  /** The case, if it exists and the caller may see it (404 otherwise, whether or not it exists). */
  findCase: (caseId: string, who: Principal) => Promise<StoredCase | undefined>;
  metrics: Metrics;
  now: () => Date;
}

/** Counts a moderator opening a case: once per case, severe when it holds the worst content. */
export async function recordView(deps: Pick<WellbeingDeps, 'source' | 'exposure' | 'metrics'>, who: Principal, c: ModerationCase, at: Date): Promise<void> {
  const w = await deps.source.current();
  const severe = isSevere(c, w.mask(c.message.text).length > 0, w.settings);
  if (await deps.exposure.record({ username: who.moderatorId, caseId: c.caseId, gameId: c.message.gameId, kind: 'view', severe, at })) {
    exposureCounter(deps.metrics).inc({ kind: 'view', severe: String(severe) });
  }
}

const exposureCounter = (metrics: Metrics) =>
  metrics.counter({ name: 'sinbin_moderator_exposure_total', help: 'Cases moderators opened (view) and worst terms they revealed, by whether the case held the worst content.', labelNames: ['kind', 'severe'] });

export function wellbeingRoutes(deps: WellbeingDeps): HttpRoute[] {
  const { kit, source, exposure, now } = deps;

  async function mine(who: Principal): Promise<MyExposureResponse> {
    const today = utcDay(now())!;
    const [counts] = await exposure.counts({ since: today.since, until: today.until, username: who.moderatorId });
    const { settings } = await source.current();
    const c = counts ?? { severeSinceBreak: 0, viewed: 0, severe: 0, reveals: 0 };
    return {
      day: today.day,
      viewed: c.viewed,
      severe: c.severe,
      reveals: c.reveals,
      severeSinceBreak: c.severeSinceBreak,
      lastBreakAt: counts?.lastBreakAt ?? null,
      breakDue: breakDue(c, settings),
      breakAfterSevere: settings.breakAfterSevere,
      breakMinutes: settings.breakMinutes,
    };
  }

  async function reveal(req: HttpRequest, who: Principal): Promise<HttpResponse> {
    const stored = await deps.findCase(req.params.caseId!, who);
    if (!stored) return apiError('not-found', 'no such case');
    const c = stored.case;
    const w = await source.current();
    const at = now();
    const severe = isSevere(c, w.mask(c.message.text).length > 0, w.settings);
    if (await exposure.record({ username: who.moderatorId, caseId: c.caseId, gameId: c.message.gameId, kind: 'reveal', severe, at })) {
      exposureCounter(deps.metrics).inc({ kind: 'reveal', severe: String(severe) });
      await deps.moderators.audit({ at, actor: who.moderatorId, action: 'reveal', caseId: c.caseId });
    }
    return json(200, { caseId: c.caseId, revealed: true, exposure: await mine(who) });
  }

  async function takeBreak(_req: HttpRequest, who: Principal): Promise<HttpResponse> {
    const at = now();
    await exposure.takeBreak(who.moderatorId, at);
    await deps.moderators.audit({ at, actor: who.moderatorId, action: 'break' });
    return json(200, await mine(who));
  }

  async function team(req: HttpRequest): Promise<HttpResponse> {
    const day = utcDay(req.query.get('day') ?? now());
    if (!day) return apiError('invalid-query', 'day: a UTC date, YYYY-MM-DD');
    const { settings } = await source.current();
    const rows = await exposure.counts({ since: day.since, until: day.until });
    return json(200, {
      day: day.day,
      moderators: rows.map((r) => ({
        username: r.username,
        viewed: r.viewed,
        severe: r.severe,
        reveals: r.reveals,
        severeSinceBreak: r.severeSinceBreak,
        lastBreakAt: r.lastBreakAt ?? null,
        breakDue: breakDue(r, settings),
        firstAt: r.firstAt ?? null,
        lastAt: r.lastAt ?? null,
      })),
    } satisfies TeamExposureResponse);
  }

  async function getSettings(): Promise<HttpResponse> {
    const w = await source.current();
    return json(200, { version: w.version, settings: w.settings });
  }

  async function putSettings(req: HttpRequest, who: Principal): Promise<HttpResponse> {
    const parsed = kit.body(req, WellbeingSettingsSchema, 'invalid-settings');
    if (!parsed.ok) return parsed.response;
    const at = now();
    const body = parsed.data;
    const created = await deps.documents.create('wellbeing', body, { by: who.moderatorId, source: 'api', contentHash: createHash('sha256').update(JSON.stringify(body)).digest('hex'), now: at });
    await deps.documents.point('wellbeing', 'active', created.version, { by: who.moderatorId, now: at });
    source.invalidate();
    return json(200, { version: created.version, settings: body });
  }

  return [
    { method: 'POST', path: '/v1/cases/:caseId/reveal', handler: kit.authed(reveal) },
    { method: 'GET', path: '/v1/me/exposure', handler: kit.authed(async (_req, who) => json(200, await mine(who))) },
    { method: 'POST', path: '/v1/me/break', handler: kit.authed(takeBreak) },
    { method: 'GET', path: '/v1/exposure', handler: kit.authed(team, 'lead') },
    { method: 'GET', path: '/v1/settings/wellbeing', handler: kit.authed(getSettings) },
    { method: 'PUT', path: '/v1/settings/wellbeing', handler: kit.authed(putSettings, 'lead') },
  ];
}
