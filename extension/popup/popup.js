// Toolbar popup: a one-line status of SafePost's protection (status.js) and reports to IT
// (reports.js), IT's support and policy links (links.js), the sites IT added that still need the user's permission (sites.js). Each section is its own module.
import { showStatus } from './status.js';
import { showReports } from './reports.js';
import { showSites } from './sites.js';
import { showLinks } from './links.js';

const api = globalThis.browser ?? globalThis.chrome;
export const t = (key, subs) => api.i18n.getMessage(key, subs) || key;

for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);

await Promise.all([
  showStatus(document.getElementById('status'), { api, t }),
  showReports(document.getElementById('reports'), { api, t }),
  showSites(document.getElementById('sites'), { api, t }),
  showLinks(document.getElementById('links'), { api, t }),
]);
