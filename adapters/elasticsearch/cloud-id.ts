/**
 * An Elastic Cloud ID is `<label>:<base64 of "host[:port]$es-uuid$kibana-uuid">`; the cluster is
 * `https://<es-uuid>.<host>` and its Kibana `https://<kibana-uuid>.<host>` (port 443 unless given).
 */
export interface CloudEndpoints {
  elasticsearch: string;
  kibana: string | null;
}

export function decodeCloudId(cloudId: string): CloudEndpoints | null {
  const encoded = cloudId.includes(':') ? cloudId.slice(cloudId.indexOf(':') + 1) : cloudId;
  if (!/^[A-Za-z0-9+/=_-]+$/.test(encoded)) return null;
  const [hostPort, esId, kibanaId] = Buffer.from(encoded, 'base64').toString('utf8').split('$');
  if (!hostPort || !esId || !/^[a-z0-9.-]+(:\d{1,5})?$/i.test(hostPort) || !/^[a-z0-9-]+$/i.test(esId)) return null;
  const [host, port] = hostPort.split(':');
  const suffix = port && port !== '443' ? `${host}:${port}` : host;
  return {
    elasticsearch: `https://${esId}.${suffix}`,
    kibana: kibanaId && /^[a-z0-9-]+$/i.test(kibanaId) ? `https://${kibanaId}.${suffix}` : null,
  };
}
