// The email fallback: a `mailto:` draft for the user's own mail program. SafePost cannot know
// whether it was sent, so such a report ends as "drafted", never "delivered".
import { str } from './config.js';
import { mailtoOf } from './compose.js';

export function draft(record, settings = {}) {
  return mailtoOf(record, str(settings, 'email_to'));
}
