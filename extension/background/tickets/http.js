// One HTTP exchange with a service desk, and what its outcome means for the queue.
//
// Outcomes: 2xx is success; a network error, a timeout, 408, 429 and 5xx are worth retrying (429
// and 503 after the `Retry-After` / `X-RateLimit-Reset` the desk gives); any
// other status is a rejection (bad token, missing field), which no retry will fix. A redirect is a
// rejection too: following it would turn a POST into a GET, so IT must configure the final URL.

/** A failed delivery. `retry` says whether the queue should try again later. */
export class DeliveryError extends Error {
  constructor(message, { retry, status = 0, hint = '', detail = '' } = {}) {
    super(message);
    this.name = 'DeliveryError';
    this.retry = Boolean(retry);
    this.status = status;
    this.hint = hint;
    this.detail = detail;
  }
}

const HINTS = {
  400: 'The service desk refused the report as malformed or missing a required field. Tell IT; they may need to adjust the SafePost ticket settings. You can copy the report and send it another way.',
  401: 'The service desk did not accept SafePost\'s credentials. Tell IT the ticket token in the SafePost policy is missing, wrong or expired; resend once they have fixed it.',
  403: 'The service desk account SafePost uses may not create tickets there. Tell IT to check its permissions; resend once fixed.',
  404: 'The service desk address or queue in the SafePost policy does not exist. Tell IT; resend once fixed.',
  413: 'The report is too large for the service desk (often the screenshot). Resend without the screenshot, or copy it.',
  422: 'The service desk refused a field value in the report. Tell IT; resend once fixed, or copy the report.',
};

export function hintFor(status) {
  return HINTS[status] || (status >= 400 && status < 500
    ? `The service desk refused the report (HTTP ${status}). Tell IT; you can resend it later or copy it.`
    : '');
}

/**
 * Sends one request. Resolves with `{status, headers, json, text}` for a 2xx answer; throws a
 * DeliveryError otherwise. `timeoutMs` bounds the whole exchange, body included.
 */
export async function request(url, { method = 'GET', headers = {}, body, timeoutMs = 30000 } = {}) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  let res;
  let text;
  try {
    res = await fetch(url, {
      method, headers, body, signal: ctrl.signal, redirect: 'manual', credentials: 'omit', cache: 'no-store',
    });
    text = await res.text();
  } catch (err) {
    const timedOut = ctrl.signal.aborted;
    const e = new DeliveryError(timedOut ? `no answer within ${Math.round(timeoutMs / 1000)} s` : `network error: ${err.message}`,
      { retry: true });
    e.timedOut = timedOut;
    throw e;
  } finally {
    clearTimeout(timer);
  }
  if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) {
    throw new DeliveryError('the service desk answered with a redirect', {
      retry: false, status: res.status || 302,
      hint: 'The service desk address in the SafePost policy redirects elsewhere. Tell IT to set the final https address; resend once fixed.',
    });
  }
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (res.status >= 200 && res.status < 300) return { status: res.status, headers: res.headers, json, text };
  // Only a 4xx is the desk's considered refusal; anything else (5xx, or a status no desk sends,
  // as a broken-off answer can yield) may succeed later.
  const retry = !(res.status >= 400 && res.status < 500) || res.status === 408 || res.status === 429;
  const err = new DeliveryError(`the service desk answered HTTP ${res.status}${summary(json, text)}`, {
    retry, status: res.status, hint: retry ? '' : hintFor(res.status), detail: text.slice(0, 500),
  });
  // A desk that is rate limiting or down for maintenance says when to come back: the queue
  // waits at least that long (and at most a day) before the next attempt.
  if (res.status === 429 || res.status === 503) err.retryAfterMs = retryAfterMs(res.headers);
  throw err;
}

/**
 * `Retry-After` (seconds, or an HTTP date) or `X-RateLimit-Reset` (Unix seconds, seconds to
 * wait, or an ISO date as Jira sends it) as milliseconds from now; 0 when neither says.
 */
export function retryAfterMs(headers, now = Date.now()) {
  const day = 86400000;
  const read = (name) => (headers && typeof headers.get === 'function' ? headers.get(name) : null);
  const parse = (v) => {
    if (v == null || String(v).trim() === '') return 0;
    const t = String(v).trim();
    if (/^\d+(\.\d+)?$/.test(t)) {
      const n = Number(t);
      // Above a billion it is a moment (Unix seconds), below it a number of seconds to wait.
      return n > 1e9 ? n * 1000 - now : n * 1000;
    }
    const at = Date.parse(t);
    return Number.isFinite(at) ? at - now : 0;
  };
  const ms = Math.max(parse(read('retry-after')), parse(read('x-ratelimit-reset')));
  return Math.min(Math.max(0, Math.round(ms)), day);
}

function summary(json, text) {
  const msg = json && (json.message || json.error?.message || json.error || json.errorMessage
    || (Array.isArray(json.errorMessages) && json.errorMessages[0]) || json.description);
  const s = typeof msg === 'string' ? msg : (typeof text === 'string' && text.length < 200 ? text : '');
  return s ? `: ${s.trim().slice(0, 200)}` : '';
}

/** `Authorization` for the settings IT gave: a bearer token, or a user name and password. */
export function basicAuth(user, password) {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return `Basic ${btoa(bin)}`;
}
