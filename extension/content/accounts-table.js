// SafePost content script data: where each site shows which account is posting.
//
// One declarative entry per site: `hosts` (and optionally `paths`, prefixes of path + query),
// and `probes`, tried in order; the first that finds a value decides. A probe reads either an
// element (`selector`, then `read`: "text" or an attribute) or the page's URL (`url`, a path
// pattern where `*` is anything and `{value}` the part to keep), optionally picks the value out
// of what it read (`pattern`, holding `{value}`), and says which account field it is (`field`:
// handle, id or name). IT extends or overrides entries in the policy
// (`company_account.detection.<site>`: each field given replaces the one here), so a site that
// changes its markup needs no new release. What each entry relies on, and where that is
// documented publicly, is listed in docs/policy.md ("Which account is posting").
(() => {
  'use strict';
  if (globalThis.SafePostAccountTable) return;
  const freeze = (o) => Object.freeze(JSON.parse(JSON.stringify(o), (k, v) => (v && typeof v === 'object' ? Object.freeze(v) : v)));

  globalThis.SafePostAccountTable = freeze({
    x: {
      hosts: ['x.com', 'twitter.com'],
      probes: [
        // The side navigation's account switcher holds the active account's avatar, whose test id
        // ends with the handle.
        { selector: '[data-testid="SideNav_AccountSwitcher_Button"] [data-testid^="UserAvatar-Container-"]',
          read: 'data-testid', field: 'handle', pattern: 'UserAvatar-Container-{value}' },
      ],
    },
    linkedin: {
      hosts: ['linkedin.com'],
      probes: [
        // The share box's "post as" control names the actor the post goes out as.
        { selector: '.share-unified-settings-entry-button[aria-label]', read: 'aria-label', field: 'name',
          pattern: '{value}, *' },
        // Page admin views: https://www.linkedin.com/company/<id>/admin/...
        { url: '/company/{value}/admin', field: 'id' },
      ],
    },
    facebook: {
      hosts: ['facebook.com'],
      probes: [
        // Meta Business Suite (business.facebook.com/latest/...?asset_id=<page id>).
        { url: '/latest/*asset_id={value}', field: 'id' },
        // The composer dialog shows the profile or Page it posts as.
        { selector: '[role="dialog"] [data-ad-rendering-role="profile_name"]', read: 'text', field: 'name' },
      ],
    },
    instagram: {
      hosts: ['instagram.com'],
      probes: [
        // The "create" dialog shows the account the post is shared from.
        { selector: '[role="dialog"] [data-testid="share-as-account"]', read: 'text', field: 'handle' },
        { selector: 'a[role="link"][aria-label$="profile picture"]', read: 'aria-label', field: 'handle',
          pattern: "{value}'s profile picture" },
      ],
    },
    youtube: {
      hosts: ['youtube.com'],
      probes: [
        // YouTube Studio's URLs name the channel: https://studio.youtube.com/channel/<id>/...
        { url: '/channel/{value}', field: 'id' },
        // The comment and community-post boxes show the channel's avatar with its name.
        { selector: '#simplebox-placeholder ~ #author-thumbnail img[alt], ytd-commentbox #author-thumbnail img[alt]',
          read: 'alt', field: 'name' },
      ],
    },
    tiktok: {
      hosts: ['tiktok.com'],
      probes: [
        { selector: '[data-e2e="profile-icon"] img[alt]', read: 'alt', field: 'handle' },
      ],
    },
    threads: {
      hosts: ['threads.net', 'threads.com'],
      probes: [
        // The composer shows the handle it posts as above the text.
        { selector: '[role="dialog"] a[href^="/@"][role="link"]', read: 'href', field: 'handle', pattern: '/@{value}' },
      ],
    },
    bluesky: {
      hosts: ['bsky.app'],
      probes: [
        // The composer's avatar links to the active account's profile.
        { selector: '[data-testid="composePostView"] a[href^="/profile/"]', read: 'href', field: 'handle',
          pattern: '/profile/{value}' },
        { selector: '[data-testid="profileLinkButton"][href^="/profile/"], nav a[aria-label="Profile"][href^="/profile/"]',
          read: 'href', field: 'handle', pattern: '/profile/{value}' },
      ],
    },
    mastodon: {
      hosts: ['mastodon.social'],
      probes: [
        // The compose column's navigation bar names the signed-in account (@acct).
        { selector: '.navigation-bar .navigation-bar__profile-account', read: 'text', field: 'handle', pattern: '@{value}' },
      ],
    },
    viva_engage: {
      hosts: ['engage.cloud.microsoft', 'web.yammer.com'],
      probes: [
        // Posting on behalf of a leader or a community: the publisher's "posting as" picker.
        { selector: '[data-testid="publisher-post-as"] [data-testid="persona-name"]', read: 'text', field: 'name' },
        { selector: '[aria-label^="Posting as "]', read: 'aria-label', field: 'name', pattern: 'Posting as {value}' },
      ],
    },
  });
})();
