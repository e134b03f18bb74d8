// Toolbar popup: a one-line status of SafePost's protection (and, later, reports to IT).
const api = globalThis.browser ?? globalThis.chrome;
const t = (key, subs) => api.i18n.getMessage(key, subs) || key;

for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);

const statusLine = document.getElementById('status');
const status = await api.runtime.sendMessage({ type: 'status.get' }).catch((err) => ({ ok: false, error: err.message }));
if (status && status.ok) {
  statusLine.dataset.state = 'ok';
  statusLine.textContent = t('statusActive', [status.version]);
} else {
  statusLine.dataset.state = 'failed';
  statusLine.textContent = t('statusCoreFailed', [(status && status.error) || 'unknown error']);
}
