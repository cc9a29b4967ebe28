/**
 * `alertSilence`: a real operator action. Input problems come back as user errors; the silence is
 * created by the provider that owns the alert (or the primary alert provider for bare matchers).
 */
import type { AlertMatcher } from '../adapters/contract/index.js';
import type { AlertSilenceInput, AlertSilencePayload, MutationResolvers, UserError } from '../src/generated/graphql.js';
import { decodeInputId, isUserError, mutationFailure, requireText, userError } from './user-errors.js';

/** A silence longer than this is almost certainly a typo (Alertmanager itself has no limit). */
const MAX_SECONDS = 366 * 24 * 3600;

const ISO_DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Seconds in an ISO 8601 duration with weeks, days, hours, minutes, seconds (no years or months: their length varies). */
export function isoDurationSeconds(text: string): number | null {
  const m = ISO_DURATION.exec(text.trim().toUpperCase());
  if (!m || text.trim().toUpperCase().endsWith('T') || m.slice(1).every((g) => g === undefined)) return null;
  const [w, d, h, min, s] = m.slice(1).map((g) => Number(g ?? 0)) as [number, number, number, number, number];
  return w * 604_800 + d * 86_400 + h * 3600 + min * 60 + s;
}

function durationOf(input: AlertSilenceInput): number | UserError {
  const given = [input.durationMinutes, input.duration].filter((v) => v !== null && v !== undefined);
  if (given.length !== 1) {
    return userError('INVALID', 'give the duration as either durationMinutes or duration', ['input', 'duration']);
  }
  if (input.durationMinutes != null) {
    if (input.durationMinutes < 1) {
      return userError('INVALID', 'durationMinutes must be at least 1', ['input', 'durationMinutes']);
    }
    const seconds = input.durationMinutes * 60;
    return seconds > MAX_SECONDS
      ? userError('INVALID', 'a silence can last at most 366 days', ['input', 'durationMinutes'])
      : seconds;
  }
  const seconds = isoDurationSeconds(input.duration as string);
  if (seconds === null || seconds <= 0) {
    return userError('INVALID', 'duration must be an ISO 8601 duration such as PT30M, PT2H or P1DT12H', [
      'input',
      'duration',
    ]);
  }
  return seconds > MAX_SECONDS
    ? userError('INVALID', 'a silence can last at most 366 days', ['input', 'duration'])
    : seconds;
}

const failed = (error: UserError): AlertSilencePayload => ({ silence: null, userErrors: [error] });

export const alertSilence: MutationResolvers['alertSilence'] = async (_, { input }, ctx) => {
  const invalid =
    requireText(input.comment, ['input', 'comment']) ?? requireText(input.createdBy, ['input', 'createdBy'], 200);
  if (invalid) return failed(invalid);
  const seconds = durationOf(input);
  if (isUserError(seconds)) return failed(seconds);
  const matchers: AlertMatcher[] | undefined = input.matchers?.map((m) => ({ ...m, op: m.op ?? 'EQ' }));
  if ((input.alertId == null) === !matchers?.length) {
    return failed(userError('INVALID', 'give either alertId or at least one matcher', ['input', 'alertId']));
  }
  const target = input.alertId == null ? null : decodeInputId(input.alertId, 'Alert', ['input', 'alertId']);
  if (isUserError(target)) return failed(target);
  try {
    const { provider, silence } = await ctx.data.alerts.silence(
      target ? { provider: target.provider, id: target.nativeId } : null,
      {
        ...(target ? {} : { matchers }),
        durationSeconds: seconds,
        comment: input.comment.trim(),
        createdBy: input.createdBy.trim(),
      },
    );
    if (!silence) return failed(userError('UNSUPPORTED', `${provider} cannot silence alerts`, ['input']));
    return {
      silence: { ...silence, source: { provider, capability: 'ALERT', nativeId: silence.id } },
      userErrors: [],
    };
  } catch (err) {
    return failed(mutationFailure(err, ['input', target ? 'alertId' : 'matchers']));
  }
};
