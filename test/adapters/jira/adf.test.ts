/** ADF conversion and incident labels on their own: the shapes Jira itself writes. */
import { describe, expect, it } from 'vitest';
import { incidentIdOf, incidentLabel } from '../../../adapters/contract/incident-labels.js';
import { adfToText, textToAdf } from '../../../adapters/jira/adf.js';

describe('adfToText', () => {
  it('reads what Jira writes, including nodes with no text form of their own', () => {
    const doc = {
      type: 'doc',
      version: 1,
      content: [
        {
          type: 'paragraph',
          content: [
            { type: 'mention', attrs: { id: '5b10a2844c20165700ede21g', text: '@Bob Ng' } },
            { type: 'text', text: ' please look ' },
            { type: 'emoji', attrs: { shortName: ':eyes:', text: '👀' } },
            { type: 'inlineCard', attrs: { url: 'https://acme.atlassian.net/browse/OPS-1' } },
          ],
        },
        {
          type: 'bulletList',
          content: [
            {
              type: 'listItem',
              content: [
                { type: 'paragraph', content: [{ type: 'text', text: 'outer' }] },
                {
                  type: 'bulletList',
                  content: [
                    { type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'inner' }] }] },
                  ],
                },
              ],
            },
          ],
        },
        {
          type: 'panel',
          attrs: { panelType: 'info' },
          content: [{ type: 'paragraph', content: [{ type: 'text', text: 'FYI' }] }],
        },
        {
          type: 'orderedList',
          attrs: { order: 3 },
          content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'third' }] }] }],
        },
      ],
    };
    expect(adfToText(doc)).toBe(
      '@Bob Ng please look 👀https://acme.atlassian.net/browse/OPS-1\n\n- outer\n  - inner\n\nFYI\n\n3. third',
    );
    expect(adfToText(null)).toBe('');
  });

  it('round-trips every construct the text dialect has', () => {
    const text = [
      '# Title',
      '',
      'First line',
      'second line with [a link](https://example.com/a?b=c) and https://example.com/bare.',
      '',
      '> quoted **bold** and *em*',
      '',
      '---',
      '',
      '3. three',
      '4. four',
      '',
      '```',
      'plain code',
      '```',
    ].join('\n');
    expect(adfToText(textToAdf(text))).toBe(text);
  });
});

describe('incident labels', () => {
  it('encode any incident ID into a valid Jira label and read it back', () => {
    for (const id of ['PLONG01', 'inc 42/ü:x_y', 'a"b\\c']) {
      const label = incidentLabel(id);
      expect(label).toMatch(/^opsorch-incident-[A-Za-z0-9._-]+$/);
      expect(incidentIdOf(label)).toBe(id);
    }
    expect(incidentIdOf('unrelated')).toBeNull();
    expect(incidentIdOf('opsorch-incident-bad_zz')).toBeNull();
  });
});
