// The toolbar badge for a policy with errors: an amber "!" and, as its title, the first error
// with its place (`rules_count: the policy lists 3 company rule(s) but none arrived…`).
//
// A managed policy that arrives broken (a wrong value, or a `rules` setting Chromium dropped) must
// never look like "all is well": the options page and the popup list the errors, and the badge
// says there are some without opening anything. The core's own failure (red "!",
// service-worker.js) takes precedence.
const api = globalThis.browser ?? globalThis.chrome;

/** Sets the badge from the stored effective policy; call when the core is known to be running. */
export async function showPolicyBadge() {
  const effective = (await api.storage.local.get('effectivePolicy')).effectivePolicy;
  const status = (await api.storage.session.get('coreStatus')).coreStatus;
  if (status && !status.ok) return; // the core's failure is what the badge says
  const errors = Array.isArray(effective?.errors) ? effective.errors : [];
  if (!errors.length) {
    await api.action.setBadgeText({ text: '' });
    await api.action.setTitle({ title: api.i18n.getMessage('extName') });
    return;
  }
  const first = errors[0];
  await api.action.setBadgeBackgroundColor({ color: '#bf8700' });
  await api.action.setBadgeText({ text: '!' });
  await api.action.setTitle({ title: `${api.i18n.getMessage('extName')}: ${first.path}: ${first.message}`
    + (errors.length > 1 ? ` (+${errors.length - 1})` : '') });
}

api.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes.effectivePolicy) showPolicyBadge().catch(() => {});
});
