// The popup's links to the company's IT support and social media policy (`support_url`,
// `policy_url` from IT's policy), so an employee unsure about a warning knows where to ask.
// Only https: and mailto: addresses are shown (the core's validation already refuses others).
const SAFE = /^(https:\/\/|mailto:)/i;

export async function showLinks(box, { api, t }) {
  const { effectivePolicy } = await api.storage.local.get('effectivePolicy');
  const policy = (effectivePolicy && effectivePolicy.policy) || {};
  const links = [['support_url', 'popupSupportLink'], ['policy_url', 'popupPolicyLink']]
    .filter(([key]) => typeof policy[key] === 'string' && SAFE.test(policy[key]))
    .map(([key, label]) => {
      const a = document.createElement('a');
      a.href = policy[key];
      a.target = '_blank';
      a.rel = 'noopener';
      a.id = key.replace('_', '-');
      a.textContent = t(label);
      return a;
    });
  box.replaceChildren(...links.flatMap((a, i) => (i ? [' · ', a] : [a])));
  box.hidden = links.length === 0;
}
