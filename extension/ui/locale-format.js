// Dates and numbers in the user's own format. The browser's UI language (the one the
// extension's strings are shown in) picks the format, through Intl: a photo's capture time
// `2012:09:29 16:11:25` reads "29. September 2012, 16:11" in German, a size "1,5 MB" in French.
const api = globalThis.browser ?? globalThis.chrome;

/** The browser's UI language (BCP 47), or undefined for the runtime's default. */
export function uiLocale() {
  try {
    const lang = api?.i18n?.getUILanguage?.();
    return lang ? Intl.getCanonicalLocales(lang.replace(/_/g, '-'))[0] : undefined;
  } catch {
    return undefined;
  }
}

/** `n` with the locale's digits and separators; `fraction`: the exact number of decimals. */
export function formatNumber(n, fraction) {
  const opts = fraction === undefined ? {} : { minimumFractionDigits: fraction, maximumFractionDigits: fraction };
  return new Intl.NumberFormat(uiLocale(), opts).format(n);
}

/**
 * A metadata date (`YYYY:MM:DD HH:MM[:SS]`, EXIF style, or ISO `YYYY-MM-DDTHH:MM`) as the
 * user's locale writes it, as the wall-clock time it records (no time-zone shift). A value that is
 * not such a date is returned as it is: the user still sees what the file says.
 */
export function formatCaptureDate(raw) {
  const text = String(raw ?? '').trim();
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(text);
  if (!m) return text;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => (v === undefined ? undefined : Number(v)));
  const date = new Date(y, mo - 1, d, h ?? 0, mi ?? 0, s ?? 0);
  // A date the calendar does not have (month 13, "0000:00:00") is shown as written.
  if (Number.isNaN(date.getTime()) || date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return text;
  const opts = h === undefined ? { dateStyle: 'long' } : { dateStyle: 'long', timeStyle: 'short' };
  return new Intl.DateTimeFormat(uiLocale(), opts).format(date);
}
