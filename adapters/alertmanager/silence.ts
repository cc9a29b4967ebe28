/**
 * Silences through `POST /api/v2/silences`: for one alert its whole label set becomes the
 * matchers (so the silence mutes exactly that alert), otherwise the caller's matchers are used.
 */
import {
  AdapterError,
  type AlertMatcher,
  type AlertSilence,
  type AlertSilenceCreate,
  badInput,
  type CallContext,
  notFound,
} from '../contract/index.js';
import type { HttpClient } from '../http/index.js';
import type { ApiMatcher, PostableSilence } from './api.js';
import { silenceLink } from './links.js';
import { isLabelName } from './matchers.js';
import { fetchAlerts } from './query.js';

export async function createSilence(
  http: HttpClient,
  ui: string,
  input: AlertSilenceCreate,
  ctx: CallContext,
): Promise<AlertSilence> {
  const matchers =
    input.alertId === undefined ? checked(input.matchers ?? []) : await alertMatchers(http, input.alertId, ctx);
  if (!(input.durationSeconds > 0)) throw badInput('the silence duration must be positive');
  const startsAt = new Date();
  const endsAt = new Date(startsAt.getTime() + input.durationSeconds * 1000);
  const body: PostableSilence = {
    matchers: matchers.map(toApi),
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
    createdBy: input.createdBy,
    comment: input.comment,
  };
  const answer = await http.post<{ silenceID?: string } | undefined>('/api/v2/silences', body, {
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  if (!answer?.silenceID)
    throw new AdapterError('PROVIDER_ERROR', 'Alertmanager accepted the silence but returned no silenceID');
  return {
    id: answer.silenceID,
    url: silenceLink(ui, answer.silenceID),
    matchers,
    startsAt: body.startsAt,
    endsAt: body.endsAt,
    comment: input.comment,
    createdBy: input.createdBy,
  };
}

async function alertMatchers(http: HttpClient, fingerprint: string, ctx: CallContext): Promise<AlertMatcher[]> {
  const alert = (await fetchAlerts(http, {}, ctx)).find((a) => a.fingerprint === fingerprint);
  if (!alert) throw notFound('alert', fingerprint);
  return Object.entries(alert.labels).map(([name, value]) => ({ name, value, op: 'EQ' }));
}

function checked(matchers: AlertMatcher[]): AlertMatcher[] {
  if (matchers.length === 0) throw badInput('a silence needs an alert or at least one matcher');
  for (const m of matchers) if (!isLabelName(m.name)) throw badInput(`${JSON.stringify(m.name)} is not a label name`);
  return matchers;
}

function toApi(m: AlertMatcher): ApiMatcher {
  return {
    name: m.name,
    value: m.value,
    isRegex: m.op === 'REGEX' || m.op === 'NOT_REGEX',
    isEqual: m.op === 'EQ' || m.op === 'REGEX',
  };
}
