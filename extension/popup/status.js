// The popup's one-line status: is the core running, which policy applies.
export async function showStatus(line, { api, t }) {
  const status = await api.runtime.sendMessage({ type: 'status.get' }).catch((err) => ({ ok: false, error: err.message }));
  if (status && status.ok) {
    line.dataset.state = 'ok';
    line.textContent = t('statusActive', [status.version]);
  } else {
    line.dataset.state = 'failed';
    line.textContent = t('statusCoreFailed', [(status && status.error) || 'unknown error']);
  }
}
