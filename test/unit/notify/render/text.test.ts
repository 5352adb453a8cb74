import fc from 'fast-check';
import { asciiText, cleanText, mrkdwn, mrkdwnCode, mrkdwnLink, plainText, safeUrl, truncate, truncateUtf8, utf8Length } from '../../../../lambdas/notify/render/text.js';

describe('text', () => {
  describe('mrkdwn', () => {
    it('escapes mention, broadcast and link syntax so Slack shows it as text', () => {
      const hostile = '<!channel> <@U123> <http://evil.example|click> <!subteam^S1> a & b';

      const safe = mrkdwn(hostile);

      expect(safe).toBe('&lt;!channel&gt; &lt;@U123&gt; &lt;http://evil.example|click&gt; &lt;!subteam^S1&gt; a &amp; b');
    });

    it('defuses plain @channel, @here and @everyone with a word joiner', () => {
      const safe = mrkdwn('ping @channel and @HERE but not me@example.com');

      expect(safe).toBe('ping @\u2060channel and @\u2060HERE but not me@example.com');
    });

    it('defuses a broadcast word glued to more text, so a later cut cannot bring it back to life', () => {
      // Counterexamples once found by the renderer property test: `@channel0` and `@everyonex` were
      // left as they were (no word boundary), then a cut dropped the tail and left `@channel…`.
      for (const value of ['<#C0123|general>@channel@channel0', '&lt;!here|here&gt;@everyonex']) {
        for (let max = 1; max <= value.length * 2; max += 1) {
          expect(mrkdwn(value, max)).not.toMatch(/@(channel|here|everyone)/i);
          expect(mrkdwnCode(value, max)).not.toMatch(/@(channel|here|everyone)/i);
        }
      }
    });

    it('cuts the escaped text without splitting an entity', () => {
      const cut = mrkdwn('&&&&&&', 12);

      expect(cut).toBe('&amp;&amp;…');
      expect(cut.length).toBeLessThanOrEqual(12);
    });

    it('removes control and bidi characters and joins lines unless multiline', () => {
      expect(mrkdwn('a\u0000b\u202Ec\r\nd\te')).toBe('abc d e');
      expect(mrkdwn('a\r\nb\u2028c', Infinity, { multiline: true })).toBe('a\nb\nc');
    });
  });

  describe('mrkdwnCode', () => {
    it('wraps in backticks that the value cannot close', () => {
      expect(mrkdwnCode('a`b<c')).toBe('`aˋb&lt;c`');
      expect(mrkdwnCode('  ')).toBe('');
    });
  });

  describe('truncate', () => {
    it('never splits a surrogate pair', () => {
      const cut = truncate('😀😀😀', 4);

      expect(cut).toBe('😀…');
      expect(cut.isWellFormed()).toBe(true);
    });

    it('keeps short text as it is', () => {
      expect(truncate('abc', 3)).toBe('abc');
    });
  });

  describe('cleanText', () => {
    it('replaces lone surrogates so the result is well formed', () => {
      expect(cleanText('a\uD800b').isWellFormed()).toBe(true);
    });
  });

  describe('plainText', () => {
    it('replaces angle brackets with look-alikes for plain_text objects', () => {
      expect(plainText('<!here> hi')).toBe('‹!here› hi');
    });
  });

  describe('asciiText', () => {
    it('folds accents, replaces other characters and cuts with dots', () => {
      expect(asciiText('Café – naïve 😀\nnext')).toBe('Cafe - naive ? next');
      expect(asciiText('x'.repeat(50), 10)).toBe('xxxxxxx...');
    });
  });

  describe('truncateUtf8', () => {
    it('fits the byte budget on a code point boundary', () => {
      const cut = truncateUtf8('é'.repeat(100), 11);

      expect(utf8Length(cut)).toBeLessThanOrEqual(11);
      expect(cut).toBe('éééé…');
    });
  });

  describe('safeUrl', () => {
    it('accepts http(s) URLs and encodes what could end a Slack link', () => {
      expect(safeUrl('https://example.com/a|b?q=<x>')).toBe('https://example.com/a%7Cb?q=%3Cx%3E');
    });

    it('rejects other schemes, relative and overlong URLs', () => {
      expect(safeUrl('javascript:alert(1)')).toBeUndefined();
      expect(safeUrl('/relative')).toBeUndefined();
      expect(safeUrl(`https://example.com/${'a'.repeat(50)}`, 30)).toBeUndefined();
      expect(safeUrl(undefined)).toBeUndefined();
    });
  });

  describe('mrkdwnLink', () => {
    it('entity-encodes ampersands in the URL and escapes the label', () => {
      expect(mrkdwnLink('https://example.com/?a=1&b=2', 'A <b>')).toBe('<https://example.com/?a=1&amp;b=2|A &lt;b&gt;>');
    });
  });
});

describe('text (property)', () => {
  const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 300 }), fc.constantFrom('<!channel>&<@U1>', '\uD800\uDC00\uD800'));

  describe('mrkdwn', () => {
    it('fits the limit, stays well formed and leaves no raw bracket or broken entity', () => {
      fc.assert(
        fc.property(anyText, fc.integer({ min: 0, max: 400 }), (value, max) => {
          const safe = mrkdwn(value, max);

          expect(safe.length).toBeLessThanOrEqual(max);
          expect(safe.isWellFormed()).toBe(true);
          expect(safe).not.toMatch(/[<>]|&(?!(amp|lt|gt);)/);
        }),
        { numRuns: 2000 },
      );
    });
  });

  describe('asciiText', () => {
    it('gives printable ASCII within the limit', () => {
      fc.assert(
        fc.property(anyText, fc.integer({ min: 0, max: 120 }), (value, max) => {
          const ascii = asciiText(value, max);

          expect(ascii.length).toBeLessThanOrEqual(max);
          expect(ascii).toMatch(/^[\x20-\x7E]*$/);
        }),
        { numRuns: 2000 },
      );
    });
  });
});
