/** The service capability over PagerDuty services. */
import { keysetPage, LIST_ORDERS, matchesText, type ServiceCapability, settleEach } from '../contract/index.js';
import { fanOut } from '../http/index.js';
import type { PagerDutyHttp, PdService } from './api.js';
import type { Directory } from './directory.js';
import { toService } from './map.js';

const FAN_OUT = 4;

export function serviceCapability(http: PagerDutyHttp, directory: Directory): ServiceCapability {
  return {
    async query(queries, ctx) {
      // One fresh listing answers the whole batch; it also refreshes the name → ID directory.
      const listing = directory.allServices(ctx.signal, true);
      return settleEach(queries, async (q) => {
        const names = q.names?.map((n) => n.toLowerCase());
        const team = q.scope?.team?.toLowerCase();
        const services = (await listing)
          .filter((s) => !names || names.includes(s.name.toLowerCase()))
          .filter((s) => !team || (s.teams ?? []).some((t) => t.summary?.toLowerCase() === team))
          .filter((s) => !q.scope?.service || s.name.toLowerCase() === q.scope.service.toLowerCase())
          .filter((s) => matchesText(q.query, s.name, s.description))
          .map(toService);
        return keysetPage(services, q, LIST_ORDERS.services);
      });
    },

    async getMany(ids, ctx) {
      return fanOut(ids, FAN_OUT, async (id) => {
        const body = await http.get<{ service: PdService }>(`/services/${encodeURIComponent(id)}`, {
          query: { 'include[]': ['teams'] },
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        });
        return toService(body.service);
      });
    },
  };
}
