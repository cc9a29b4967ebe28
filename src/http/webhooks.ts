/**
 * `POST /webhooks/pagerduty/:provider`, `POST /webhooks/alertmanager`, and `POST /webhooks/<provider
 * instance>` for adapters that own their webhook format (GitHub, Datadog). Authentication comes
 * first and a rejected delivery publishes nothing. An accepted one is answered after its events are
 * published, and with 502 when the provider could not be read, so the sender retries.
 */
import express, { type Request, type Response } from 'express';
import type { z } from 'zod';
import type { WebhookDelivery } from '../../adapters/contract/index.js';
import { alertmanagerWebhookSchema, handleAlertmanagerWebhook, verifyBearer } from '../events/webhooks/alertmanager.js';
import {
  handlePagerDutyEvent,
  pagerDutyWebhookSchema,
  verifyPagerDutySignature,
  type WebhookDeps,
} from '../events/webhooks/pagerduty.js';
import type { Logger } from '../logger.js';

export interface WebhookConfig {
  /** Signing secrets of the PagerDuty webhook subscription; several while one is rotated. */
  pagerdutySecrets: string[];
  /** Bearer token Alertmanager sends (`http_config.authorization.credentials`). */
  alertmanagerToken?: string;
}

function parseBody<S extends z.ZodType>(req: Request, res: Response, schema: S): z.infer<S> | undefined {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
  } catch {
    res.status(400).json({ error: 'the body is not JSON' });
    return undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    res.status(400).json({ error: `unexpected payload: ${issue?.path.join('.') || '(root)'}: ${issue?.message}` });
    return undefined;
  }
  return parsed.data;
}

export function webhookRouter(deps: WebhookDeps & { logger: Logger }, config: WebhookConfig): express.Router {
  const router = express.Router();
  router.use(express.raw({ type: () => true, limit: '1mb' }));

  router.post('/pagerduty/:provider', async (req, res) => {
    if (config.pagerdutySecrets.length === 0) {
      res.status(404).json({ error: 'the PagerDuty webhook is not enabled (set OPSORCH_WEBHOOK_PAGERDUTY_SECRETS)' });
      return;
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyPagerDutySignature(raw, req.get('x-pagerduty-signature'), config.pagerdutySecrets)) {
      res.status(401).json({ error: 'missing or invalid X-PagerDuty-Signature' });
      return;
    }
    const provider = req.params.provider;
    if (!deps.floor.serves(provider, 'incident')) {
      res.status(404).json({ error: `no incident provider named ${JSON.stringify(provider)}` });
      return;
    }
    const webhook = parseBody(req, res, pagerDutyWebhookSchema);
    if (!webhook) return;
    try {
      const published = await handlePagerDutyEvent(deps, provider, webhook);
      res.status(202).json({ published });
    } catch (err) {
      deps.logger.warn({ err, provider, eventType: webhook.event.event_type }, 'PagerDuty webhook not processed');
      res.status(502).json({ error: `could not read the incident from ${provider}` });
    }
  });

  router.post('/alertmanager', async (req, res) => {
    const token = config.alertmanagerToken;
    if (!token) {
      res
        .status(404)
        .json({ error: 'the Alertmanager webhook is not enabled (set OPSORCH_WEBHOOK_ALERTMANAGER_TOKEN)' });
      return;
    }
    if (!verifyBearer(req.get('authorization'), token)) {
      res.status(401).set('www-authenticate', 'Bearer').json({ error: 'missing or invalid bearer token' });
      return;
    }
    const webhook = parseBody(req, res, alertmanagerWebhookSchema);
    if (!webhook) return;
    try {
      const published = await handleAlertmanagerWebhook(deps, webhook);
      res.status(202).json({ published });
    } catch (err) {
      deps.logger.warn({ err }, 'Alertmanager webhook not processed');
      res.status(502).json({ error: 'could not read open incidents' });
    }
  });

  /**
   * Every provider instance whose adapter has a webhook member. The adapter alone knows the format:
   * it verifies the delivery (401 otherwise) and reads its events (400 when it cannot); the floor
   * publishes them once (502 when a re-read fails, so the sender retries).
   */
  router.post('/:provider', async (req, res) => {
    const provider = req.params.provider;
    const delivery: WebhookDelivery = {
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [
          name.toLowerCase(),
          Array.isArray(value) ? value.join(', ') : value,
        ]),
      ),
    };
    try {
      const result = await deps.floor.intake.deliver(provider, delivery);
      if (result.outcome === 'no-webhook') {
        res.status(404).json({ error: `no provider named ${JSON.stringify(provider)} takes webhooks` });
      } else if (result.outcome === 'unverified') {
        res.status(401).json({ error: 'missing or invalid signature' });
      } else if (result.outcome === 'invalid') {
        res.status(400).json({ error: result.message });
      } else {
        res.status(202).json({ published: result.published });
      }
    } catch (err) {
      deps.logger.warn({ err, provider }, 'webhook not processed');
      res.status(502).json({ error: 'the delivery could not be processed; retry it' });
    }
  });

  return router;
}
