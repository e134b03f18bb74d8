// The popup's one-line status: is the core running, which policy applies, how many problems the
// policy has, and, when the core cannot run, what the organisation's fail mode means for posting.
// It also says whether the network backstop runs (only where SafePost is installed by policy in
// Chromium; always in Firefox).
//
// The policy part is read from storage.local (`effectivePolicy`, written by
// background/policy.js), so it shows even when the service worker cannot answer.
export async function showStatus(line, { api, t }) {
  await render(line, { api, t });
  // Live: the core's health (storage.session) and the policy (storage.local) may change while
  // the popup is open, such as a policy IT reloads or the first policy read after start-up.
  api.storage.onChanged.addListener((changes, area) => {
    if ((area === 'local' && changes.effectivePolicy) || (area === 'session' && changes.coreStatus)) render(line, { api, t });
  });
}

async function render(line, { api, t }) {
  const [status, effective, backstop] = await Promise.all([
    api.runtime.sendMessage({ type: 'status.get' }).catch((err) => ({ ok: false, error: err.message })),
    api.storage.local.get('effectivePolicy').then((r) => r.effectivePolicy || null, () => null),
    api.runtime.sendMessage({ type: 'backstop.status' }).catch(() => null),
  ]);
  const parts = [];
  if (status && status.ok) {
    line.dataset.state = 'ok';
    parts.push(t('statusActive', [status.version]));
    delete line.dataset.failMode;
  } else {
    line.dataset.state = 'failed';
    parts.push(t('statusCoreFailed', [(status && status.error) || 'unknown error']));
    const mode = effective?.failMode || 'warn';
    line.dataset.failMode = mode;
    parts.push(t(`statusFail_${mode}`));
  }
  if (effective) {
    line.dataset.policy = effective.managed ? 'managed' : 'default';
    parts.push(effective.managed
      ? t('statusPolicyManaged', [String(effective.version ?? '?'), effective.revision || '-'])
      : t('statusPolicyDefault'));
    const problems = (effective.errors || []).length;
    line.dataset.policyErrors = String(problems);
    if (problems) parts.push(problems === 1 ? t('statusPolicyOneError') : t('statusPolicyErrors', [String(problems)]));
  }
  // Whether the network backstop (background/backstop.js) runs, or the DOM gate alone.
  line.dataset.backstop = backstop && backstop.active ? 'on' : 'off';
  parts.push(t(backstop && backstop.active ? 'statusBackstopOn' : 'statusBackstopOff'));
  line.textContent = parts.join(' ');
  if (effective && (effective.errors || []).length && api.runtime.openOptionsPage) {
    const link = document.createElement('a');
    link.href = '#';
    link.id = 'open-settings';
    link.textContent = t('statusOpenSettings');
    link.addEventListener('click', (ev) => { ev.preventDefault(); api.runtime.openOptionsPage(); });
    line.append(' ', link);
  }
}
