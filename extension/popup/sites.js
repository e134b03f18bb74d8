// The popup's "sites your company added" line: IT lists extra hosts in the policy (`sites`),
// SafePost may run there only once the user grants those hosts. permissions.request needs a user
// gesture, so the button asks from here, with the patterns read beforehand (an await before the
// request would lose the gesture). background/sites.js registers the content scripts once granted.
export async function showSites(section, { api, t }) {
  const render = async () => {
    const res = await api.runtime.sendMessage({ type: 'sites.status' }).catch(() => null);
    section.replaceChildren();
    if (!res || !res.ok || !res.missing.length) {
      section.hidden = true;
      section.dataset.missing = '0';
      return;
    }
    const missing = res.missing;
    section.dataset.missing = String(missing.length);
    const text = document.createElement('span');
    text.textContent = missing.length === 1 ? t('sitesAddedOne') : t('sitesAdded', [String(missing.length)]);
    const button = document.createElement('button');
    button.type = 'button';
    button.id = 'sites-allow';
    button.textContent = t('sitesAllow');
    button.addEventListener('click', () => {
      api.permissions.request({ origins: missing }).then(
        (granted) => { section.dataset.result = granted ? 'granted' : 'denied'; render(); },
        (err) => { section.dataset.result = 'error'; section.title = err.message; },
      );
    });
    section.append(text, ' ', button);
    section.hidden = false;
  };
  await render();
  api.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && changes.effectivePolicy) render();
  });
  api.permissions.onAdded?.addListener(() => render());
  api.permissions.onRemoved?.addListener(() => render());
}
