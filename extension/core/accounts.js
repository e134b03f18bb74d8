// The company-account state of the core frame: which account the content script saw posting
// (`account` messages from content/accounts.js), whether the company-account layer applies, and
// the checks of posts made as a company account (the core's AccountChecker, compiled per site and
// policy). When the account changes, the marker is redrawn and the draft rechecked.
const FNV_OFFSET = 0x811c9dc5;

/** A short fingerprint of the post, so that each new post needs its own confirmation. */
function fingerprint(text) {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `#${h.toString(16).padStart(8, '0').slice(0, 6)}`;
}

export class CompanyAccounts {
  constructor({ AccountChecker, t, recheck, marker }) {
    this.AccountChecker = AccountChecker;
    this.t = t;
    this.recheck = recheck;
    this.marker = marker;
    this.policy = null;
    this.checkers = new Map(); // site -> AccountChecker
    this.setups = new Map(); // site -> setup()
    this.state = null; // {site, status, account, company_rules}
  }

  /** A new effective policy: compiled checkers go; the content script reports the account again. */
  reset(policy) {
    for (const c of this.checkers.values()) c.free?.();
    this.checkers.clear();
    this.setups.clear();
    this.policy = policy;
  }

  checkerFor(site) {
    let c = this.checkers.get(site);
    if (!c) {
      try {
        c = new this.AccountChecker(this.policy ? JSON.stringify(this.policy) : undefined, site);
      } catch (err) {
        console.warn('SafePost: company-account policy could not be compiled, using the default:', err);
        c = new this.AccountChecker(undefined, site);
      }
      this.checkers.set(site, c);
    }
    return c;
  }

  /**
   * `{has_accounts, company_rules_when_unknown, confirm_every_post, allow_post_anyway,
   * require_justification}` from the core, and IT's detection entries (`detection`) from the
   * effective policy document, which the service worker validated with the core.
   */
  setup(site) {
    if (!this.setups.has(site)) {
      const detection = this.policy?.company_account?.detection;
      this.setups.set(site, { ...this.checkerFor(site).setup(), detection: detection && typeof detection === 'object' ? detection : {} });
    }
    return this.setups.get(site);
  }

  /** What the content script saw (`{field, value}` or null). */
  observed(site, observed) {
    const s = this.setup(site);
    let next = null;
    if (s.has_accounts) {
      const field = observed && typeof observed.field === 'string' ? observed.field : undefined;
      const value = observed && typeof observed.value === 'string' ? observed.value.slice(0, 300) : undefined;
      next = { site, ...this.checkerFor(site).identify(field, value) };
    }
    if (JSON.stringify(next) === JSON.stringify(this.state)) return;
    this.state = next;
    this.marker(next);
    this.recheck();
  }

  /** Whether posts on `site` are checked with the company-account layer now. */
  applies(site) {
    return Boolean(this.state && this.state.site === site && this.state.company_rules);
  }

  /** The findings of a post made as a company account, plus the confirmation the policy asks for. */
  check(site, text) {
    const name = this.state?.account ?? null;
    const result = this.checkerFor(site).check(text);
    const findings = result.findings.map((f, i) => ({ ...f, because_account: result.because_account[i] === true, account: name }));
    if (this.setup(site).confirm_every_post && text.trim() !== '') {
      const shown = name ?? this.t('accountUnknownName');
      findings.push({
        rule: 'company_account_confirm', category: 'conduct', severity: 'warn',
        message: `Every post from the company account ${shown} needs your confirmation.`,
        message_key: 'company_account_confirm', message_args: [shown], link: null,
        start: 0, end: 0, start_utf16: 0, end_utf16: 0, preview: fingerprint(text), because_account: true, account: name,
      });
    }
    return findings;
  }

  /** The gate's submit settings, made stricter by the company layer's own. */
  submit(site, normal) {
    if (!this.applies(site)) return normal;
    const c = this.setup(site);
    return {
      allow_post_anyway: normal.allow_post_anyway && c.allow_post_anyway !== false,
      require_justification: normal.require_justification || c.require_justification === true,
    };
  }

  /** The account fields of an override record. */
  record(account) {
    return account ? { account: account.account ?? null, account_status: account.status } : {};
  }
}
