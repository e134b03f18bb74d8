// The upload dialogs: what a photo or video reveals, and what to do about it.
//
// `uploadDialog`: for files whose metadata shows where they were taken or who took them, or whose
// caption, title or keywords break the text policy: a thumbnail, "Taken at 48.8584 N, 2.2945 E,
// near …", "Its caption says where it was taken", the device and serial number, and the
// choices "Remove location and continue" (default), "Keep as is" (unless the policy blocks it),
// "Cancel". Resolves with {action: 'strip'|'keep'|'cancel', identity: bool}.
// `uploadProblemDialog`: a file SafePost could not check or clean. The default is Cancel; the
// original goes to the site only when the user explicitly chooses it. Resolves 'original'|'cancel'.
import { el, localized, messageOf } from './panel.js';
import { openDialog } from './dialog.js';
import { formatCaptureDate, formatNumber } from './locale-format.js';

/** "48.8584 N, 2.2945 E" (the decimals in the user's format: "48,8584 N" in German) */
export function formatCoordinates(lat, lon) {
  const f = (v, pos, neg) => `${formatNumber(Math.abs(v), 4)} ${v >= 0 ? pos : neg}`;
  return `${f(lat, 'N', 'S')}, ${f(lon, 'E', 'W')}`;
}

function formatSize(bytes) {
  if (bytes >= 1 << 30) return `${formatNumber(bytes / (1 << 30), 1)} GB`;
  if (bytes >= 1 << 20) return `${formatNumber(bytes / (1 << 20), 1)} MB`;
  return `${formatNumber(Math.max(1, Math.round(bytes / 1024)))} KB`;
}

function thumbnail(file) {
  const url = URL.createObjectURL(file);
  const media = file.type.startsWith('video/')
    ? el('video', { class: 'thumb', src: url, preload: 'metadata', muted: '', 'aria-hidden': 'true' })
    : el('img', { class: 'thumb', src: url, alt: '' });
  media.addEventListener(media.localName === 'video' ? 'loadeddata' : 'load', () => URL.revokeObjectURL(url), { once: true });
  media.addEventListener('error', () => { URL.revokeObjectURL(url); media.replaceWith(el('div', { class: 'thumb none', 'aria-hidden': 'true' })); }, { once: true });
  return media;
}

/** The sentences describing what a report reveals. */
export function reveals(report, t) {
  const lines = [];
  const loc = report.location;
  if (loc) {
    const hasCoords = typeof loc.lat === 'number' && typeof loc.lon === 'number';
    if (hasCoords && loc.place) lines.push(t('uploadTakenAtNear', [formatCoordinates(loc.lat, loc.lon), loc.place]));
    else if (hasCoords) lines.push(t('uploadTakenAt', [formatCoordinates(loc.lat, loc.lon)]));
    else if (loc.place) lines.push(t('uploadPlace', [loc.place]));
    else lines.push(t('uploadLocationUnknown'));
  }
  lines.push(...wordsLines(report, t));
  const id = report.identity || {};
  // "Canon" + "Canon EOS 6D" reads as "Canon EOS 6D".
  const make = (id.make || '').trim(), model = (id.model || '').trim();
  const device = model && make && model.toLowerCase().startsWith(make.toLowerCase()) ? model : [make, model].filter(Boolean).join(' ');
  if (device) lines.push(t('uploadDevice', [device]));
  // The core names each value's tag ("ExifIFD:SerialNumber: 0330…"); the same value often sits in
  // EXIF and XMP: show each value once.
  const values = (list) => [...new Set((list || []).map((v) => String(v).split(': ').pop().trim()).filter(Boolean))];
  for (const s of values(id.serial_numbers)) lines.push(t('uploadSerial', [s]));
  for (const o of values(id.owner_names)) lines.push(t('uploadOwner', [o]));
  if (id.captured_at) lines.push(t('uploadCapturedAt', [formatCaptureDate(id.captured_at)]));
  // What SafePost cannot remove (a GPS track inside a video's media data, GeoTIFF tags, damaged
  // blocks), said plainly, so "Remove location" never pretends.
  for (const r of report.residual || []) lines.push(t('uploadResidual', [r]));
  return lines;
}

/** What kind of words a metadata field holds (`IPTC:Caption-Abstract` → caption), for the user. */
export function wordsKind(field) {
  const name = String(field).split(':').pop().toLowerCase();
  if (/keyword|subject/.test(name)) return 'keywords';
  if (/comment/.test(name)) return 'comment';
  if (/title|headline|objectname/.test(name)) return 'title';
  return 'caption';
}

/**
 * The photo's own words: which of its caption, title, keywords or comment say where it was taken
 * (the core reports those fields as location sources, and "Remove location" blanks them), and
 * what the text policy finds in them (a card number, a codename), with the redacted preview.
 */
function wordsLines(report, t) {
  const fields = new Set((report.words || []).map((w) => w.field));
  const said = (report.location?.sources || []).filter((s) => fields.has(s));
  const kind = (field) => t(`uploadWordsField_${wordsKind(field)}`);
  const lines = [...new Set(said.map(kind))].map((k) => t('uploadWordsLocation', [k]));
  for (const f of report.findings || []) {
    if (f.category === 'location' && said.includes(f.field)) continue; // already said above
    lines.push(t('uploadWordsFinding', [kind(f.field), messageOf(f, t), f.preview]));
  }
  return lines;
}

function fileItem(file, lines) {
  return el('li', { class: 'upload-item' }, thumbnail(file),
    el('div', { class: 'upload-text' },
      el('p', { class: 'file-name' }, el('b', {}, file.name), ` (${formatSize(file.size)})`),
      el('ul', { class: 'reveals' }, ...lines.map((l) => el('li', {}, l)))));
}

/** What the files are, for the words of the dialog: 'photo', 'video' or 'mixed'. */
function kindOf(items) {
  const videos = items.filter(({ file }) => file.type.startsWith('video/')).length;
  return videos === 0 ? 'photo' : videos === items.length ? 'video' : 'mixed';
}

const INTRO = {
  photo: ['uploadIntro', 'uploadIntroBlocked'],
  video: ['uploadIntroVideo', 'uploadIntroBlockedVideo'],
  mixed: ['uploadIntroMixed', 'uploadIntroBlockedMixed'],
};

/** The "also remove" box names exactly what is there: serial number, owner name, or both. */
function alsoIdentityKey(items) {
  const serial = items.some(({ report: r }) => r.identity?.serial_numbers?.length);
  const owner = items.some(({ report: r }) => r.identity?.owner_names?.length);
  if (serial && owner) return 'uploadAlsoIdentity';
  return serial ? 'uploadAlsoSerial' : 'uploadAlsoOwner';
}

export function uploadDialog({ surface, live, t, items, uploads, report }) {
  const blocked = uploads.action === 'block';
  const identityFound = items.some(({ report: r }) => (r.identity?.serial_numbers?.length || r.identity?.owner_names?.length));
  const locationFound = items.some(({ report: r }) => r.location);
  const list = el('ul', { class: 'upload-list' }, ...items.map(({ file, report: r }) => fileItem(file, reveals(r, t))));
  const content = [list];
  let alsoIdentity = null;
  if (identityFound) {
    alsoIdentity = el('input', { type: 'checkbox', id: 'also-identity' });
    alsoIdentity.checked = uploads.strip_mode === 'identifying' || !locationFound;
    content.push(el('label', { class: 'check' }, alsoIdentity, ' ', t(alsoIdentityKey(items))));
  }
  const actions = [{ id: 'strip', label: t(locationFound ? 'uploadRemoveLocation' : 'uploadRemoveDetails'), kind: 'primary' }];
  if (!blocked) actions.push({ id: 'keep', label: t('uploadKeep') });
  actions.push({ id: 'cancel', label: t('uploadCancel') }, { id: 'report', label: t('liveReportToIt') });
  return openDialog({
    surface, live, tone: 'warn', initial: 'strip', dismiss: { action: 'cancel' },
    title: items.length > 1 ? t('uploadTitleMany', [formatNumber(items.length)])
      : t(items[0].file.type.startsWith('video/') ? 'uploadTitleVideo' : 'uploadTitleOne'),
    intro: t(INTRO[kindOf(items)][blocked ? 1 : 0]),
    content,
    actions,
    onAction(id) {
      if (id === 'report') {
        report(items.map(({ file }) => ({ rule: 'upload.metadata', severity: 'warn', preview: file.name })));
        return undefined;
      }
      if (id === 'strip') return { action: 'strip', identity: alsoIdentity ? alsoIdentity.checked : false };
      return { action: id };
    },
  });
}

/** The kind of problem the core named (`MediaError::kind`), in the user's language; [] if unknown. */
function problemOf(kind, t) {
  const text = /^[a-z_]+$/.test(kind || '') ? localized(t, `uploadError_${kind}`) : '';
  return text ? [text] : [];
}

export function uploadProblemDialog({ surface, live, t, items, report }) {
  const list = el('ul', { class: 'upload-list' },
    ...items.map(({ file, error, kind }) => fileItem(file, [...problemOf(kind, t), t('uploadProblemReason', [error])])));
  return openDialog({
    surface, live, tone: 'warn', initial: 'cancel', dismiss: 'cancel',
    title: t('uploadProblemTitle'),
    intro: t('uploadProblemIntro'),
    content: [list],
    actions: [{ id: 'cancel', label: t('uploadCancel'), kind: 'primary' }, { id: 'original', label: t('uploadUseOriginal') },
      { id: 'report', label: t('liveReportToIt') }],
    onAction(id) {
      if (id === 'report') {
        report(items.map(({ file }) => ({ rule: 'upload.unchecked', severity: 'warn', preview: file.name })));
        return undefined;
      }
      return id;
    },
  });
}
