/**
 * A ticket's link to an incident is a label, `opsorch-incident-<id>` (Jira, GitHub): labels are
 * searchable, visible in the tool's UI, and need no extra permission. Labels cannot hold spaces and
 * some punctuation, so characters outside `[A-Za-z0-9.-]` are written as `_` and two hex digits per
 * UTF-8 byte, which reads back exactly.
 */
const PREFIX = 'opsorch-incident-';

export function incidentLabel(incidentId: string): string {
  const encoded = [...Buffer.from(incidentId, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return /[A-Za-z0-9.-]/.test(char) ? char : `_${byte.toString(16).padStart(2, '0')}`;
    })
    .join('');
  return `${PREFIX}${encoded}`;
}

export function incidentIdOf(label: string): string | null {
  if (!label.startsWith(PREFIX)) return null;
  const encoded = label.slice(PREFIX.length);
  if (!/^([A-Za-z0-9.-]|_[0-9a-f]{2})+$/.test(encoded)) return null;
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    if (encoded[i] === '_') {
      bytes.push(Number.parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(encoded.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
