/**
 * `POST /webhooks/<provider instance name>`: every provider instance whose adapter has a webhook
 * member. The adapter alone knows the format: it verifies the delivery (401 otherwise) and reads its
 * events (400 when it cannot); the floor publishes them once and the answer waits for that (202),
 * or says 502 when a re-read failed, so the sender retries. A rejected delivery publishes nothing.
 *
 * URLs from before webhooks moved into adapters keep working without naming any provider here:
 * `/webhooks/<kind>/<instance>` is the instance when it is of that kind, and `/webhooks/<kind>`
 * with no instance of that name is the one instance of that kind that takes webhooks.
 */
import express, { type Request, type Response } from 'express';
import type { WebhookDelivery } from '../../adapters/contract/index.js';
import type { DataFloor } from '../data/floor.js';
import type { WebhookTarget } from '../data/intake.js';
import type { Logger } from '../logger.js';

export function webhookRouter(deps: { floor: DataFloor; logger: Logger }): express.Router {
  const router = express.Router();
  router.use(express.raw({ type: () => true, limit: '1mb' }));

  const serve = async (req: Request, res: Response, target: WebhookTarget) => {
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
      const result = await deps.floor.intake.deliver(target, delivery);
      if (result.outcome === 'no-webhook') {
        res.status(404).json({ error: `no provider named ${JSON.stringify(target.name)} takes webhooks` });
      } else if (result.outcome === 'unverified') {
        res.status(401).json({ error: 'missing or invalid signature' });
      } else if (result.outcome === 'invalid') {
        res.status(400).json({ error: result.message });
      } else {
        res.status(202).json({ published: result.published });
      }
    } catch (err) {
      deps.logger.warn({ err, provider: target.name }, 'webhook not processed');
      res.status(502).json({ error: 'the delivery could not be processed; retry it' });
    }
  };

  router.post('/:provider', (req, res) => serve(req, res, { name: req.params.provider }));
  router.post('/:kind/:provider', (req, res) => serve(req, res, { name: req.params.provider, kind: req.params.kind }));
  return router;
}
