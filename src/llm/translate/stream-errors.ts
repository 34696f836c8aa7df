/**
 * Error frames for translated streams. Once a stream has started its status is sent, so a mid-stream failure can
 * only be told in-band, in the frame each SDK raises as an error. The upstream's own message is not repeated (it is
 * the provider's text, not ours); only its error type, a short token, is named to help whoever reads the log.
 */
import { ERROR_CODES } from '../../errors.js';
import { formatSse } from '../sse.js';

const UPSTREAM = ERROR_CODES.GH_ERR_UPSTREAM_ERROR;

export function upstreamErrorMessage(upstreamType: string | undefined): string {
  const named = upstreamType && /^[a-z_]{1,64}$/.test(upstreamType) ? ` (${upstreamType})` : '';
  return `The model provider reported an error during the stream${named}.`;
}

export const CUT_OFF_MESSAGE = 'The model provider ended the stream before the response was complete.';

/** `data: {"error":{…}}`: the OpenAI SDK throws an APIError on it. */
export function openaiErrorFrame(message: string): string {
  return formatSse({ data: JSON.stringify({ error: { message, type: UPSTREAM.openaiType, param: null, code: 'gh_err_upstream_error' } }) });
}

/** `event: error`: the Anthropic SDK throws an APIError on it. */
export function anthropicErrorFrame(message: string): string {
  return formatSse({ event: 'error', data: JSON.stringify({ type: 'error', error: { type: UPSTREAM.anthropicType, message } }) });
}
