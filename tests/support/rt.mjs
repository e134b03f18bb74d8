// A real Request Tracker 5 (Debian packages, installed by scripts/rt.sh) for the tickets tests:
// started on a free 127.0.0.1 port with a fresh SQLite database, a REST2 token for root and the
// "SafePost Report ID" ticket custom field on queue General; stopped and wiped afterwards.
//
// Nothing global is changed: the site configuration lives in a temporary directory passed through
// RT_SITE_CONFIG_DIR (copies of Debian's RT_SiteConfig.d files plus our overrides).
import { spawn, execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const RT_SERVER = '/usr/share/request-tracker5/libexec/rt-server';
const DEBIAN_SITE_DIR = '/etc/request-tracker5/RT_SiteConfig.d';
export const ID_FIELD = 'SafePost Report ID';

export function rtInstalled() {
  return existsSync(RT_SERVER) && existsSync('/usr/sbin/rt-setup-database-5');
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const TOKEN_AND_FIELD = `
use strict; use warnings;
use RT::Interface::CLI qw(Init);
Init();
my $user = RT::User->new(RT->SystemUser);
$user->Load('root') or die "no root user\\n";
my $token = RT::AuthToken->new(RT::CurrentUser->new($user));
my ($ok, $msg, $auth) = $token->Create(Owner => $user->id, Description => 'SafePost tests');
die "token: $msg\\n" unless $ok;
my $queue = RT::Queue->new(RT->SystemUser);
$queue->Load('General') or die "no queue General\\n";
my $cf = RT::CustomField->new(RT->SystemUser);
my ($cfok, $cfmsg) = $cf->Create(Name => '${ID_FIELD}', Type => 'FreeformSingle', LookupType => 'RT::Queue-RT::Ticket');
die "custom field: $cfmsg\\n" unless $cfok;
my ($aok, $amsg) = $cf->AddToObject($queue);
die "apply custom field: $amsg\\n" unless $aok;
print $auth, "\\n";
`;

/**
 * Starts RT. Resolves with `{url, port, token, queue, api(path, init), close()}` where `api`
 * calls REST2 with the token and resolves with `{status, json, headers}`.
 */
export async function startRt() {
  const dir = mkdtempSync(join(tmpdir(), 'safepost-rt-'));
  const port = await freePort();
  const siteDir = join(dir, 'site');
  await run('mkdir', ['-p', siteDir]);
  for (const f of readdirSync(DEBIAN_SITE_DIR).filter((n) => n.endsWith('.pm'))) copyFileSync(join(DEBIAN_SITE_DIR, f), join(siteDir, f));
  const db = join(dir, 'rt.sqlite');
  writeFileSync(join(siteDir, '99-safepost-test.pm'), `
Set($WebPath, "");
Set($WebDomain, "127.0.0.1");
Set($WebPort, ${port});
Set($WebBaseURL, "http://127.0.0.1:${port}");
Set($LogToSyslog, undef);
Set($LogToSTDERR, "warning");
Set($MailCommand, "mbox");
Set($DatabaseName, "${db}");
1;
`);
  const env = { ...process.env, RT_SITE_CONFIG_DIR: siteDir };
  await run('/usr/sbin/rt-setup-database-5', ['--action', 'init', '--skip-create'], { env, timeout: 120000 });
  const perl = join(dir, 'token.pl');
  writeFileSync(perl, TOKEN_AND_FIELD);
  const { stdout } = await run('perl', ['-I/usr/share/request-tracker5/lib', perl], { env, timeout: 60000 });
  const token = stdout.trim().split('\n').pop();

  const server = spawn(RT_SERVER, ['--host', '127.0.0.1', '--port', String(port)], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  server.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const url = `http://127.0.0.1:${port}`;
  const api = async (path, init = {}) => {
    const res = await fetch(`${url}/REST/2.0${path}`, {
      ...init, headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json', ...(init.headers || {}) },
    });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { json = null; }
    return { status: res.status, json, text, headers: res.headers };
  };
  const deadline = Date.now() + 60000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`rt-server exited: ${stderr}`);
    const ok = await api('/queue/1').then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`RT did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    url, port, token, queue: 'General', api, dir,
    async close() {
      if (server.exitCode === null) {
        server.kill('SIGTERM');
        await new Promise((r) => { server.once('exit', r); setTimeout(r, 5000); });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The text content of a ticket's creation (REST2 history → transaction → attachments). */
export async function ticketContent(rt, id) {
  const hist = await rt.api(`/ticket/${id}/history`);
  const texts = [];
  const files = [];
  for (const item of hist.json.items || []) {
    const txn = await rt.api(`/transaction/${item.id}`);
    if (!txn.json || txn.json.Type !== 'Create') continue;
    const atts = await rt.api(`/transaction/${item.id}/attachments`);
    for (const a of atts.json.items || []) {
      const att = await rt.api(`/attachment/${a.id}`);
      const ct = att.json.ContentType || '';
      if (ct.startsWith('text/plain') && att.json.Content) texts.push(Buffer.from(att.json.Content, 'base64').toString('utf8'));
      if (att.json.Filename) files.push({ name: att.json.Filename, type: ct, bytes: Buffer.from(att.json.Content || '', 'base64') });
    }
  }
  return { text: texts.join('\n'), files };
}
