/**
 * Output tokens of a stream the client cut off before the provider reported usage: the pipeline charges what it
 * delivered, estimated from the text of the deltas it wrote (content, tool-call arguments, reasoning).
 *
 * The usual rule of thumb (four characters per token) holds for English and other alphabetic scripts with the
 * OpenAI and Anthropic tokenizers; Chinese, Japanese, Korean, Thai, Indic scripts and emoji take about one token
 * per character or more, so counting them by four would charge a quarter of the real cost. Hence: code points
 * below U+0800 (Latin, Greek, Cyrillic, Hebrew, Arabic…) count a quarter each, every other code point counts one.
 * It is an estimate, used only when the provider never said.
 */

const CHARS_PER_TOKEN = 4;
const FIRST_DENSE_CODE_POINT = 0x0800;

export function estimateStreamedTokens(text: string): number {
  const counter = new StreamedTokenCounter();
  counter.add(text);
  return counter.tokens;
}

/**
 * The same estimate, kept up to date delta by delta, so a stream's text never has to be kept whole: the stream
 * writer adds each delivered delta's text and reads `tokens` if the client goes away before usage arrives.
 */
export class StreamedTokenCounter {
  private alphabetic = 0;
  private dense = 0;

  add(text: string): void {
    for (let i = 0; i < text.length; i += 1) {
      const unit = text.charCodeAt(i);
      if (unit < FIRST_DENSE_CODE_POINT) {
        this.alphabetic += 1;
      } else {
        this.dense += 1;
        // A surrogate pair is one code point (an emoji, a rare ideograph): count it once.
        if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) i += 1;
      }
    }
  }

  get tokens(): number {
    return Math.ceil(this.alphabetic / CHARS_PER_TOKEN) + this.dense;
  }
}
