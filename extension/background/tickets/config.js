// The service-desk settings IT put in the policy, checked before anything is sent.
//
// Ticket settings come only from the effective policy (storage.local `effectivePolicy`, kept by
// policy.js from managed policy). Nothing here trusts its shape: a missing or malformed `tickets`
// object means "not configured", and a bad endpoint is reported to the user with what to tell IT.

export const ADAPTERS = ['servicenow', 'jira_service_management', 'zendesk', 'request_tracker', 'webhook', 'email'];

/**
 * Retry timing (seconds): quick first retries (a report is often sent during a short outage),
 * growing by half each time up to 15 minutes. `tickets.retry` {initial_delay_seconds, max_delay_seconds,
 * timeout_seconds} (managed policy, checked by the core) overrides it.
 */
export const RETRY_DEFAULTS = { initialDelaySeconds: 2, maxDelaySeconds: 900, timeoutSeconds: 15 };
const RETRY_KEYS = { initialDelaySeconds: 'initial_delay_seconds', maxDelaySeconds: 'max_delay_seconds', timeoutSeconds: 'timeout_seconds' };

export const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** An error in IT's settings: the report is kept and the user told what to pass on to IT. */
export class ConfigError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the ticket settings. Resolves with
 * `{configured: false}` when IT set up nothing, or
 * `{configured: true, adapter, settings, retry, policyVersion, error?}` where `error` (a string)
 * says why the settings cannot be used.
 */
export async function readTicketConfig(api) {
  const { effectivePolicy } = await api.storage.local.get('effectivePolicy');
  return ticketConfigFrom(effectivePolicy);
}

export function ticketConfigFrom(effectivePolicy) {
  const policyVersion = effectivePolicy && effectivePolicy.version != null ? String(effectivePolicy.version) : null;
  const tickets = effectivePolicy && isObject(effectivePolicy.policy) ? effectivePolicy.policy.tickets : undefined;
  if (!isObject(tickets) || tickets.adapter == null) return { configured: false, policyVersion };
  const retry = retrySettings(tickets.retry);
  const adapter = tickets.adapter;
  const base = { configured: true, adapter, settings: tickets, retry, policyVersion };
  if (!ADAPTERS.includes(adapter)) {
    return { ...base, error: `tickets.adapter "${String(adapter)}" is not one of ${ADAPTERS.join(', ')}` };
  }
  try {
    if (adapter === 'email') {
      if (tickets.email_to != null && typeof tickets.email_to !== 'string') throw new ConfigError('tickets.email_to must be an email address');
    } else {
      checkEndpoint(tickets.endpoint);
    }
  } catch (err) {
    return { ...base, error: err.message };
  }
  return base;
}

/** Endpoints must be https; plain http is allowed only on the loopback interface (tests). */
export function checkEndpoint(endpoint) {
  if (typeof endpoint !== 'string' || endpoint === '') throw new ConfigError('tickets.endpoint is missing');
  let url;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ConfigError(`tickets.endpoint "${endpoint}" is not a URL`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return url;
  throw new ConfigError(`tickets.endpoint must use https (got ${url.protocol}//${url.host})`);
}

/** `base` + `path`, keeping any path prefix of the base (RT under /rt, Jira under /jira). */
export function joinUrl(base, path) {
  return base.replace(/\/+$/, '') + path;
}

function retrySettings(retry) {
  const out = { ...RETRY_DEFAULTS };
  if (!isObject(retry)) return out;
  for (const [key, name] of Object.entries(RETRY_KEYS)) {
    const v = retry[name];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) out[key] = Math.min(v, 86400);
  }
  if (out.maxDelaySeconds < out.initialDelaySeconds) out.maxDelaySeconds = out.initialDelaySeconds;
  return out;
}

export function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A string setting, or `fallback` when absent or not a string. */
export function str(settings, key, fallback = '') {
  const v = settings[key];
  return typeof v === 'string' ? v : fallback;
}

/**
 * The host permission the service worker needs to reach the desk (`https://host/*`), or null
 * when none is needed: the email adapter sends nothing, and loopback test desks are reachable
 * through the content scripts' match patterns.
 */
export function deskPermission(config) {
  if (!config || !config.configured || config.error || config.adapter === 'email') return null;
  try {
    const url = new URL(config.settings.endpoint);
    if (LOOPBACK.has(url.hostname)) return null;
    return `${url.protocol}//${url.hostname}/*`;
  } catch {
    return null;
  }
}
