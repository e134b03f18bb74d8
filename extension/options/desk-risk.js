// Names the risk of a shared service-desk credential on the options page: when IT's policy puts
// `tickets.token` on this device, anyone who can read this profile (developer tools, the policy
// file, the registry) can use that account with all its rights. Says the least rights it needs
// for the desk in use and what IT should do instead (relay or sign-in, DeveloperToolsAvailability).
const api = globalThis.browser ?? globalThis.chrome;
const t = (key, subs) => api.i18n.getMessage(key, subs) || key;
const $ = (id) => document.getElementById(id);

async function render() {
  const { effectivePolicy } = await api.storage.local.get('effectivePolicy');
  const tickets = effectivePolicy && effectivePolicy.policy && effectivePolicy.policy.tickets;
  const shared = tickets && typeof tickets.token === 'string' && tickets.token !== '' && tickets.adapter !== 'email';
  $('desk-risk').hidden = !shared;
  $('desk-risk').dataset.checked = shared ? 'shared' : 'none';
  if (!shared) return;
  $('desk-risk-text').textContent = t('deskRiskText', [t(`reportAdapter_${tickets.adapter}`) || String(tickets.adapter)]);
  $('desk-risk-least').textContent = t(`deskRiskLeast_${tickets.adapter}`) || '';
}

render();
api.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes.effectivePolicy) render();
});
