#!/usr/bin/env python3
"""Writes corpus_secrets.jsonl: labelled posts for the credential detectors (services,
connection strings, passwords in prose, and the fixes to the older credential detectors).

Every value is fake: random, in the provider's documented format (prefix, length, alphabet and,
where the format has one, its embedded checksum: the CRC32 of npm/GitHub tokens, the Bech32
checksum of age keys). Traps are the near misses each detector must not report: documentation
placeholders, truncated tokens, hashes, UUIDs, base64 of ordinary data, the providers' own
published example values, and prose about the credential.

    python3 tests/data/text/gen_corpus_secrets.py   # rewrites corpus_secrets.jsonl (seeded)
"""
import base64
import binascii
import json
import os
import random
import string

R = random.Random(20261207)
ALNUM = string.ascii_letters + string.digits
TOKEN = ALNUM + "_-"
HEX = "0123456789abcdef"
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


def rnd(n, alphabet=ALNUM):
    return "".join(R.choice(alphabet) for _ in range(n))


def hexs(n):
    return rnd(n, HEX)


def uuid():
    h = hexs(32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def base62(n, width):
    out = ""
    for _ in range(width):
        out = B62[n % 62] + out
        n //= 62
    return out


def crc_token(prefix):
    body = rnd(30)
    return prefix + body + base62(binascii.crc32(body.encode()), 6)


BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def bech32_polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def age_key():
    hrp = "age-secret-key-"
    data = [R.randrange(32) for _ in range(52)]
    values = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + data
    pm = bech32_polymod(values + [0] * 6) ^ 1
    data += [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return ("AGE-SECRET-KEY-1" + "".join(BECH[d] for d in data)).upper()


def b64(nbytes):
    return base64.b64encode(bytes(R.randrange(256) for _ in range(nbytes))).decode()


def b64url_nopad(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


# ---------------------------------------------------------------- value generators

def openai():
    kind = R.choice(["proj", "proj", "svcacct", "legacy"])
    if kind == "legacy":
        return "sk-" + rnd(20) + "T3BlbkFJ" + rnd(20)
    return f"sk-{kind}-" + rnd(74, TOKEN) + "T3BlbkFJ" + rnd(74, TOKEN)


def discord_bot():
    snowflake = str(R.randrange(10**17, 2 * 10**18))
    return b64url_nopad(snowflake.encode()) + "." + rnd(6, TOKEN) + "." + rnd(38, TOKEN)


def sas_sig():
    sig = base64.b64encode(bytes(R.randrange(256) for _ in range(32))).decode()
    return sig.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")


def sentry_org():
    payload = json.dumps({"iat": R.randrange(1600000000, 1800000000), "url": "https://sentry.io",
                          "region_url": "https://us.sentry.io", "org": R.choice(["acme", "globex", "initech"])},
                         separators=(",", ":"))
    return "sntrys_" + base64.b64encode(payload.encode()).decode().rstrip("=") + "_" + rnd(43, ALNUM + "+/")


def grafana():
    kind = R.choice(["glc", "glsa", "legacy"])
    if kind == "glc":
        payload = json.dumps({"o": str(R.randrange(10**5, 10**6)), "n": "stack-" + rnd(6, string.ascii_lowercase + string.digits),
                              "k": rnd(24), "m": {"r": "prod-eu-west-2"}}, separators=(",", ":"))
        return "glc_" + base64.b64encode(payload.encode()).decode()
    if kind == "glsa":
        return "glsa_" + rnd(32) + "_" + hexs(8)
    payload = json.dumps({"k": rnd(32), "n": "deploy", "id": R.randrange(1, 99)}, separators=(",", ":"))
    return base64.b64encode(payload.encode()).decode().rstrip("=")


def atlassian():
    return "ATATT3xFfGF0" + rnd(171, TOKEN) + "=" + hexs(8).upper()


def teams():
    return (f"https://{R.choice(['acme', 'globexcorp', 'initech'])}.webhook.office.com/webhookb2/{uuid()}@{uuid()}"
            f"/IncomingWebhook/{hexs(32)}/{uuid()}/V2{rnd(45, TOKEN)}")


def conn():
    user = R.choice(["admin", "app", "svc_reports", "etl", "root", "billing"])
    pw = rnd(R.randrange(10, 18), ALNUM + "!#*")
    host = R.choice(["db.internal", "10.20.4.17", "pg-prod-02.corp.acme.io", "mysql.staging.local"])
    kind = R.choice(["postgres", "postgresql", "mysql", "mongodb+srv", "redis", "amqp", "jdbc", "ado"])
    if kind == "mongodb+srv":
        return f"mongodb+srv://{user}:{pw}@cluster0.{rnd(5, string.ascii_lowercase + string.digits)}.mongodb.net/prod?retryWrites=true&w=majority"
    if kind == "redis":
        return f"redis://:{pw}@cache.internal:6379/0"
    if kind == "amqp":
        return f"amqp://{user}:{pw}@mq.internal:5672/orders"
    if kind == "jdbc":
        return f"jdbc:sqlserver://{host}:1433;databaseName=hr;user={user};password={pw}"
    if kind == "ado":
        return f"Server=tcp:acme-sql.database.windows.net,1433;Initial Catalog=hr;User ID={user};Password={pw}"
    port = {"postgres": 5432, "postgresql": 5432, "mysql": 3306}[kind]
    return f"{kind}://{user}:{pw}@{host}:{port}/prod"


GEN = {
    "openai_api_key": openai,
    "anthropic_api_key": lambda: R.choice(["sk-ant-api03-", "sk-ant-api03-", "sk-ant-admin01-"]) + rnd(93, TOKEN) + "AA",
    "huggingface_token": lambda: R.choice(["hf_", "hf_", "api_org_"]) + rnd(34, string.ascii_letters),
    "gitlab_token": lambda: R.choice([lambda: "glpat-" + rnd(20, TOKEN), lambda: "gldt-" + rnd(20, TOKEN),
                                      lambda: "glrt-" + rnd(20, TOKEN), lambda: "glptt-" + hexs(40),
                                      lambda: "GR1348941" + rnd(20, TOKEN)])(),
    "npm_token": lambda: crc_token("npm_"),
    "pypi_token": lambda: "pypi-AgEIcHlwaS5vcmc" + rnd(R.randrange(60, 160), TOKEN),
    "dockerhub_token": lambda: "dckr_pat_" + rnd(27, TOKEN),
    "postman_key": lambda: "PMAK-" + hexs(24) + "-" + hexs(34),
    "azure_storage_key": lambda: b64(64),
    "azure_sas_token": sas_sig,
    "azure_client_secret": lambda: rnd(3, ALNUM + "_~.") + str(R.randrange(10)) + "Q~" + rnd(34, ALNUM + "_~.-"),
    "google_oauth_secret": lambda: "GOCSPX-" + rnd(28, TOKEN),
    "alibaba_access_key": lambda: "LTAI" + rnd(20),
    "digitalocean_token": lambda: R.choice(["dop_v1_", "doo_v1_", "dor_v1_"]) + hexs(64),
    "heroku_key": lambda: "HRKU-AA" + rnd(58, TOKEN),
    "cloudflare_token": lambda: rnd(40, TOKEN),
    "vault_token": lambda: R.choice(["hvs.CAESI", "hvs.CAESI", "hvb.AAAAAQ"]) + rnd(R.choice([86, 140]), TOKEN),
    "doppler_token": lambda: R.choice(["dp.pt.", "dp.st.prd.", "dp.sa."]) + rnd(43),
    "pulumi_token": lambda: "pul-" + hexs(40),
    "databricks_token": lambda: "dapi" + hexs(32) + R.choice(["", "-2"]),
    "twilio_key": lambda: R.choice(["SK", "AC"]) + hexs(32),
    "sendgrid_key": lambda: "SG." + rnd(22, TOKEN) + "." + rnd(43, TOKEN),
    "mailgun_key": lambda: R.choice(["key-" + hexs(32), hexs(32) + "-" + hexs(8) + "-" + hexs(8)]),
    "discord_token": discord_bot,
    "telegram_bot_token": lambda: str(R.randrange(10**9, 8 * 10**9)) + ":AA" + rnd(33, TOKEN),
    "teams_webhook": teams,
    "mailchimp_key": lambda: hexs(32) + "-us" + str(R.randrange(1, 22)),
    "datadog_key": lambda: hexs(R.choice([32, 40])),
    "sentry_dsn": lambda: f"https://{hexs(32)}@o{R.randrange(10**5, 10**7)}.ingest.{R.choice(['us.', 'de.', ''])}sentry.io/{R.randrange(10**6, 10**9)}",
    "sentry_token": lambda: R.choice([sentry_org, lambda: "sntryu_" + hexs(64)])(),
    "grafana_token": grafana,
    "newrelic_key": lambda: R.choice(["NRAK-" + rnd(27, string.ascii_uppercase + string.digits), hexs(36) + "NRAL", "NRII-" + rnd(32, TOKEN)]),
    "okta_token": lambda: "00" + rnd(40, TOKEN),
    "shopify_token": lambda: R.choice(["shpat_", "shpss_", "shpca_", "shppa_"]) + hexs(32),
    "atlassian_token": atlassian,
    "linear_key": lambda: "lin_api_" + rnd(40),
    "notion_token": lambda: R.choice(["secret_" + rnd(43), "ntn_" + str(R.randrange(10**10, 10**11)) + rnd(35)]),
    "figma_token": lambda: "figd_" + rnd(40, TOKEN),
    "dropbox_token": lambda: R.choice(["sl." + rnd(138, TOKEN), rnd(11) + "AAAAAAAAAA" + rnd(43, TOKEN)]),
    "airtable_token": lambda: "pat" + rnd(14) + "." + hexs(64),
    "age_secret_key": age_key,
    "connection_string": conn,
}

# Positive posts: {v} is the value the detector must report (exactly).
POS = {
    "openai_api_key": [
        "Quick heads-up: I pasted our OpenAI key in the demo notebook by mistake: {v}. Rotating now.",
        "export OPENAI_API_KEY={v}\npython summarize.py --model gpt-4o",
        "client = OpenAI(api_key=\"{v}\")  # why does this 401 on Azure?",
        "New hackathon starter is up! key for the shared org is {v} (expires Friday)",
        "{v}\n^ that's the one from the billing account, right?",
        "curl https://api.openai.com/v1/models -H \"Authorization: Bearer {v}\"",
    ],
    "anthropic_api_key": [
        "export ANTHROPIC_API_KEY={v}",
        "anthropic.Anthropic(api_key='{v}') works locally but not in the container",
        "the admin key for the eval workspace: {v} please don't share outside the team",
        "Claude wrapper is live 🎉 (key {v} is the staging one)",
        "x-api-key: {v}\nanthropic-version: 2023-06-01",
    ],
    "huggingface_token": [
        "huggingface-cli login --token {v}",
        "HF_TOKEN={v} python train.py --push-to-hub",
        "from huggingface_hub import login\nlogin(\"{v}\")",
        "our org token {v} has write access to the model repo, careful",
        "Space keeps failing to pull the gated model even with {v} set as a secret",
    ],
    "gitlab_token": [
        "git clone https://oauth2:{v}@gitlab.com/acme/infra.git",
        "GITLAB_TOKEN={v} glab mr list",
        "runner registered with {v}, can someone check it shows up?",
        "curl --header \"PRIVATE-TOKEN: {v}\" https://gitlab.example.com/api/v4/projects",
        "the deploy token for the helm chart repo is {v}",
    ],
    "npm_token": [
        "//registry.npmjs.org/:_authToken={v}",
        "NPM_TOKEN={v} npm publish --access public",
        "CI publish step uses {v}, is that the automation token or mine?",
        "just rotated the npm token, new one: {v}",
        "echo \"//registry.npmjs.org/:_authToken={v}\" > ~/.npmrc",
    ],
    "pypi_token": [
        "[pypi]\n  username = __token__\n  password = {v}",
        "twine upload dist/* -u __token__ -p {v}",
        "PYPI_API_TOKEN: {v}",
        "release workflow finally green, token was {v} (scoped to the project)",
        "uv publish --token {v}",
    ],
    "dockerhub_token": [
        "docker login -u acmebuild -p {v}",
        "DOCKERHUB_TOKEN={v}",
        "our CI pulls with {v}, rate limits gone 🙌",
        "echo {v} | docker login --username acme --password-stdin",
        "new PAT for the release bot: {v}",
    ],
    "postman_key": [
        "newman run collection.json --postman-api-key {v}",
        "POSTMAN_API_KEY={v}",
        "the workspace key is {v} if you want to sync the collections",
        "x-api-key: {v}",
        "monitors use {v} now",
    ],
    "azure_storage_key": [
        "DefaultEndpointsProtocol=https;AccountName=acmereports;AccountKey={v};EndpointSuffix=core.windows.net",
        "AZURE_STORAGE_CONNECTION_STRING=\"DefaultEndpointsProtocol=https;AccountName=acmelogs;AccountKey={v}\"",
        "blob upload fails with this conn string: DefaultEndpointsProtocol=https;AccountName=acmemedia;AccountKey={v};",
        "Endpoint=sb://acme-events.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={v}",
        "storage explorer wants AccountName=acmebackup;AccountKey={v} — is that the primary key?",
    ],
    "azure_sas_token": [
        "here's the link to the export: https://acmereports.blob.core.windows.net/exports/q3.csv?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-12-31T23:59:59Z&spr=https&sig={v}",
        "SAS for the container: ?sv=2021-06-08&sr=c&sp=rl&se=2027-01-15&sig={v}",
        "workflow trigger URL https://prod-27.westeurope.logic.azure.com:443/workflows/{h}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={v}",
        "azcopy copy ./build \"https://acmecdn.blob.core.windows.net/web?sv=2022-11-02&se=2026-12-20&sr=c&sp=rwl&sig={v}\" --recursive",
        "download from https://acmeshare.file.core.windows.net/docs/plan.pdf?sv=2020-08-04&se=2026-12-24&sr=f&sp=r&sig={v}",
    ],
    "azure_client_secret": [
        "AZURE_CLIENT_SECRET={v}\nAZURE_TENANT_ID=contoso.onmicrosoft.com",
        "app registration secret for the reporting bot: {v}",
        "az login --service-principal -u reporting-bot -p {v} --tenant contoso",
        "client secret \"{v}\" expires in 90 days, set a reminder",
        "ConfidentialClientApplication(client_id=app_id, client_credential=\"{v}\")  # msal",
    ],
    "google_oauth_secret": [
        "GOOGLE_CLIENT_SECRET={v}",
        "\"client_secret\":\"{v}\",\"redirect_uris\":[\"http://localhost\"]",
        "oauth consent screen done, secret is {v}",
        "passport-google-oauth20 setup: clientSecret: '{v}'",
        "rotated the OAuth secret: {v}",
    ],
    "alibaba_access_key": [
        "aliyun configure --access-key-id {v} --access-key-secret (in vault)",
        "ALIBABA_CLOUD_ACCESS_KEY_ID={v}",
        "OSS uploads work with {v}, thanks!",
        "the RAM user key id is {v}",
        "ossutil config -i {v} -e oss-cn-hangzhou.aliyuncs.com",
    ],
    "digitalocean_token": [
        "doctl auth init -t {v}",
        "DIGITALOCEAN_TOKEN={v} terraform apply",
        "the droplet script uses {v}",
        "Authorization: Bearer {v}",
        "new team token {v}, old one revoked",
    ],
    "heroku_key": [
        "HEROKU_API_KEY={v}",
        "heroku auth token says {v}, is that the one for the pipeline?",
        "machine api.heroku.com login ci-bot password {v}",
        "deploy action uses {v}",
        "heroku_api_key: \"{u}\"",
    ],
    "cloudflare_token": [
        "CLOUDFLARE_API_TOKEN={v}",
        "cloudflare token for the DNS zone: {v}",
        "wrangler deploy fails, CF_API_TOKEN={v} has Workers edit permission",
        "cloudflare api key \"{g}\" (global, I know, I know)",
        "Origin CA key for the cert tool: {o}",
    ],
    "vault_token": [
        "VAULT_TOKEN={v} vault kv get secret/app",
        "vault login {v}",
        "the root token after unseal was {v} 😬",
        "X-Vault-Token: {v}",
        "batch token for the job: {v}",
    ],
    "doppler_token": [
        "DOPPLER_TOKEN={v} doppler run -- npm start",
        "service token for prd: {v}",
        "doppler configure set token {v}",
        "the CI uses {v} to fetch secrets",
        "Authorization: Bearer {v}",
    ],
    "pulumi_token": [
        "PULUMI_ACCESS_TOKEN={v} pulumi up",
        "pulumi login with {v}",
        "stack deploys use {v} (team token)",
        "export PULUMI_ACCESS_TOKEN=\"{v}\"",
        "new token {v}, the old one expired",
    ],
    "databricks_token": [
        "DATABRICKS_TOKEN={v}",
        "databricks configure --token, then paste {v}",
        "the notebook job runs with {v}",
        "Authorization: Bearer {v}",
        "PAT for the workspace: {v}",
    ],
    "twilio_key": [
        "TWILIO_API_KEY={v}\nTWILIO_API_SECRET=(in 1password)",
        "twilio account sid {v} for the SMS alerts",
        "Twilio says the API key {v} is not authorized for Verify",
        "client = twilio.rest.Client(\"{v}\", auth)",
        "our twilio key {v} got rate limited again",
    ],
    "sendgrid_key": [
        "SENDGRID_API_KEY={v}",
        "sg = SendGridAPIClient('{v}')",
        "Authorization: Bearer {v}",
        "newsletter job uses {v}, emails stuck in queue",
        "the full-access key is {v}, should be restricted",
    ],
    "mailgun_key": [
        "MAILGUN_API_KEY={v}",
        "curl -s --user 'api:{v}' https://api.mailgun.net/v3/mg.acme.io/messages",
        "mailgun api key: {v}",
        "mailgun key \"{v}\" for the transactional domain",
        "mailgun: {v} (sending key)",
    ],
    "discord_token": [
        "DISCORD_BOT_TOKEN={v}",
        "bot.run('{v}')",
        "my bot token is {v} and it says improper token passed??",
        "Authorization: Bot {v}",
        "webhook for alerts: https://discord.com/api/webhooks/{id}/{wh}",
        "post builds to https://discordapp.com/api/webhooks/{id}/{wh}",
    ],
    "telegram_bot_token": [
        "TELEGRAM_BOT_TOKEN={v}",
        "BotFather gave me {v}, bot still silent",
        "curl https://api.telegram.org/bot{v}/getUpdates",
        "Updater(\"{v}\") is deprecated, use Application",
        "alerts bot token {v} — posting here so I don't lose it",
    ],
    "teams_webhook": [
        "Teams channel hook for the deploy alerts: {v}",
        "curl -H 'Content-Type: application/json' -d '{{\"text\":\"deploy ok\"}}' {v}",
        "TEAMS_WEBHOOK_URL={v}",
        "set the connector to {v} and it works",
        "{v}\nthat's the incident channel one",
    ],
    "mailchimp_key": [
        "MAILCHIMP_API_KEY={v}",
        "mailchimp.setConfig({{ apiKey: '{v}', server: 'us6' }})",
        "the audience sync uses {v}",
        "Mailchimp key {v} for the newsletter",
        "curl -u anystring:{v} https://us6.api.mailchimp.com/3.0/",
    ],
    "datadog_key": [
        "DD_API_KEY={v}",
        "datadog api key: {v}",
        "helm install datadog --set datadog.apiKey={v}",
        "DD_APP_KEY={a}",
        "datadog_api_key = \"{v}\"",
    ],
    "sentry_dsn": [
        "SENTRY_DSN={v}",
        "Sentry.init({{ dsn: \"{v}\", tracesSampleRate: 0.2 }})",
        "sentry_sdk.init(\"{v}\")",
        "the DSN for the mobile app is {v}",
        "dsn: {v}",
    ],
    "sentry_token": [
        "SENTRY_AUTH_TOKEN={v}",
        "sentry-cli --auth-token {v} releases new 1.4.2",
        "the org token for source maps is {v}",
        "Authorization: Bearer {v}",
        "user token {v} for the release script",
    ],
    "grafana_token": [
        "GRAFANA_TOKEN={v}",
        "grafana service account token: {v}",
        "Authorization: Bearer {v}",
        "the cloud access policy token is {v}",
        "terraform provider \"grafana\" auth = \"{v}\"",
    ],
    "newrelic_key": [
        "NEW_RELIC_API_KEY={v}",
        "newrelic key {v} for the nerdgraph queries",
        "the license key in the agent config is {v}",
        "API-Key: {v}",
        "NEW_RELIC_LICENSE_KEY: \"{v}\"",
    ],
    "okta_token": [
        "Authorization: SSWS {v}",
        "OKTA_API_TOKEN={v}",
        "okta api token: {v}",
        "okta token \"{v}\" for the provisioning script",
        "curl -H \"Authorization: SSWS {v}\" https://acme.okta.com/api/v1/users",
    ],
    "shopify_token": [
        "SHOPIFY_ACCESS_TOKEN={v}",
        "X-Shopify-Access-Token: {v}",
        "the custom app token is {v}",
        "shared secret for the webhook HMAC: {v}",
        "storefront sync uses {v}",
    ],
    "atlassian_token": [
        "JIRA_API_TOKEN={v}",
        "curl -u jira-bot:{v} https://acme.atlassian.net/rest/api/3/myself",
        "confluence token {v} for the docs export",
        "new Atlassian API token: {v}",
        "jira-cli init --token {v}",
    ],
    "linear_key": [
        "LINEAR_API_KEY={v}",
        "Authorization: {v}",
        "the Linear key for the triage bot: {v}",
        "new LinearClient({{ apiKey: \"{v}\" }})",
        "personal key {v} for the sync script",
    ],
    "notion_token": [
        "NOTION_TOKEN={v}",
        "Authorization: Bearer {v}",
        "the integration token is {v}, share the page with it",
        "new Client({{ auth: \"{v}\" }})",
        "notion: {v}",
    ],
    "figma_token": [
        "FIGMA_TOKEN={v}",
        "X-Figma-Token: {v}",
        "personal access token for the icon export: {v}",
        "figma-export uses {v}",
        "the design tokens sync needs {v}",
    ],
    "dropbox_token": [
        "DROPBOX_ACCESS_TOKEN={v}",
        "Authorization: Bearer {v}",
        "dbx = dropbox.Dropbox(\"{v}\")",
        "the backup script uses {v}",
        "app console generated {v}",
    ],
    "airtable_token": [
        "AIRTABLE_API_KEY={v}",
        "Authorization: Bearer {v}",
        "base sync uses {v}",
        "new Airtable({{ apiKey: '{v}' }})",
        "PAT for the inventory base: {v}",
    ],
    "age_secret_key": [
        "# created: 2026-11-02T10:11:12Z\n# public key: age1{p}\n{v}",
        "SOPS_AGE_KEY={v}",
        "the key file has {v}, back it up",
        "age -d -i key.txt secrets.enc (key is {v})",
        "{v}",
    ],
    "connection_string": [
        "DATABASE_URL={v}",
        "Can't connect from the notebook: {v} — timeout after 30s",
        "psql \"{v}\" -c 'select 1'",
        "here's the string for the BI tool: {v}",
        "connectionString: \"{v}\"",
        "prod is {v} if anyone needs it",
    ],
}


def pos_value(det):
    v = GEN[det]()
    extra = {}
    if det == "azure_sas_token":
        extra["h"] = hexs(32)
    if det == "discord_token":
        extra["id"] = str(R.randrange(10**17, 2 * 10**18))
        extra["wh"] = rnd(68, TOKEN)
    if det == "heroku_key":
        extra["u"] = uuid()
    if det == "cloudflare_token":
        extra["g"] = hexs(37)
        extra["o"] = "v1.0-" + hexs(24) + "-" + hexs(146)
    if det == "datadog_key":
        extra["a"] = hexs(40)
    if det == "age_secret_key":
        extra["p"] = rnd(58, BECH)
    return v, extra


def expected_value(det, tmpl, v, extra):
    if det == "discord_token" and "webhooks" in tmpl:
        host = "discordapp.com" if "discordapp" in tmpl else "discord.com"
        return f"https://{host}/api/webhooks/{extra['id']}/{extra['wh']}"
    if det == "heroku_key" and "{u}" in tmpl:
        return extra["u"]
    if det == "cloudflare_token" and "{g}" in tmpl:
        return extra["g"]
    if det == "cloudflare_token" and "{o}" in tmpl:
        return extra["o"]
    if det == "datadog_key" and "{a}" in tmpl:
        return extra["a"]
    return v


TRAPS = {
    "openai_api_key": [
        "Set OPENAI_API_KEY to your key (it starts with sk-proj-), never commit it",
        "export OPENAI_API_KEY=sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "the key in the screenshot is truncated anyway: sk-proj-abc1…",
        "pricing for gpt-4o-mini dropped again, sk-learn users rejoice",
        "Our internal task ids look like sk-2024-001 and sk-2024-002",
    ],
    "anthropic_api_key": [
        "Anthropic keys start with sk-ant-api03- and admin keys with sk-ant-admin01-",
        "export ANTHROPIC_API_KEY=sk-ant-api03-...",
        "key was sk-ant-api03-Zm9v (truncated in the log, no worries)",
        "Claude 4 release notes are a good read, highly recommend",
        "ANTHROPIC_API_KEY=<your-key-here>",
    ],
    "huggingface_token": [
        "call hf_hub_download(repo_id, filename) and cache it",
        "HF tokens start with hf_ and you create them in settings",
        "export HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "the function is called hf_transfer_enabled_check_for_my_app",
        "token looks like hf_AbCd… in the docs screenshot",
    ],
    "gitlab_token": [
        "GitLab personal access tokens start with glpat- since 14.5",
        "GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx",
        "the variable is named glpat-placeholder in our template",
        "runner tokens now look like glrt-… instead of the old registration flow",
        "tagged the release gldt-2026 for the data team",
    ],
    "npm_token": [
        "npm tokens look like npm_ followed by 36 characters",
        "//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
        "NPM_TOKEN=npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "renamed the script npm_run_all_the_tests_in_parallel_fast",
        "the old token was npm_Zq3… (revoked, truncated)",
    ],
    "pypi_token": [
        "PyPI tokens start with pypi-AgEIcHlwaS5vcmc, use trusted publishing instead",
        "password = pypi-AgEIcHlwaS5vcmc...",
        "twine upload -u __token__ -p $PYPI_TOKEN dist/*",
        "pip install pypi-simple-client==2.1",
        "token = pypi-<your token>",
    ],
    "dockerhub_token": [
        "Docker Hub PATs start with dckr_pat_",
        "docker login -u acme -p dckr_pat_xxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "image tag dckr_pat_rotation_job is just a name",
        "echo $DOCKERHUB_TOKEN | docker login --password-stdin",
        "truncated: dckr_pat_Zk9…",
    ],
    "postman_key": [
        "Postman API keys start with PMAK-",
        "POSTMAN_API_KEY=PMAK-xxxxxxxxxxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "see PMAK-1234 in the tracker for the sync bug",
        "newman run collection.json --postman-api-key $POSTMAN_API_KEY",
        "key format: PMAK-<24 hex>-<34 hex>",
    ],
    "azure_storage_key": [
        "AccountName=acme;AccountKey=Zm9vYmFy (the docs example, cut short)",
        "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=<your-account-key>;EndpointSuffix=core.windows.net",
        "AccountKey=${STORAGE_KEY} comes from the pipeline variables",
        "the key is base64, 88 characters ending in ==",
        "AccountKey=c2hvcnQga2V5IGZvciBhIGRlbW8= is not even the right length",
    ],
    "azure_sas_token": [
        "SAS URLs end with &sig=<signature>, keep them short-lived",
        "https://acme.blob.core.windows.net/public/logo.png (no sig, container is public)",
        "the sig= parameter is the HMAC, see the docs",
        "?sv=2022-11-02&sp=r&se=2026-12-31&sig=REDACTED",
        "feature flag sig=on for the beta group",
    ],
    "azure_client_secret": [
        "client secrets in Entra ID look like abc8Q~... and expire",
        "AZURE_CLIENT_SECRET=${{ secrets.AZURE_CLIENT_SECRET }}",
        "Q~ is a weird character pair to see in a secret",
        "the tenant id is 72f988bf-86f1-41af-91ab-2d7cd011db47",
        "client secret: (stored in key vault, ask the platform team)",
    ],
    "google_oauth_secret": [
        "Google client secrets start with GOCSPX-",
        "GOOGLE_CLIENT_SECRET=GOCSPX-xxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "clientSecret: process.env.GOOGLE_CLIENT_SECRET",
        "GOCSPX-… (truncated in the screenshot)",
        "the consent screen is still in testing mode",
    ],
    "alibaba_access_key": [
        "Alibaba AccessKey IDs start with LTAI",
        "ALIBABA_CLOUD_ACCESS_KEY_ID=LTAIxxxxxxxxxxxxxxxxxxxx",
        "LTAI… keys belong to RAM users",
        "ticket LTAI-2291 tracks the OSS migration",
        "set ALIBABA_CLOUD_ACCESS_KEY_ID from the vault",
    ],
    "digitalocean_token": [
        "DigitalOcean PATs start with dop_v1_",
        "DIGITALOCEAN_TOKEN=dop_v1_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "doctl auth init -t $DO_TOKEN",
        "dop_v1_… truncated in the log",
        "droplet sizes changed again, s-1vcpu-1gb still the cheapest",
    ],
    "heroku_key": [
        "Heroku keys start with HRKU- now",
        "HEROKU_API_KEY=$(heroku auth:token)",
        "heroku app id: 3f2a1c9e-7b4d-4e8f-9a1b-2c3d4e5f6a7b",
        "request id 4b0e3c1a-9d2f-4a6b-8c7e-1f2a3b4c5d6e failed on the dyno",
        "HRKU-AA... is the new format",
    ],
    "cloudflare_token": [
        "Cloudflare API tokens are 40 characters, scope them to one zone",
        "CLOUDFLARE_API_TOKEN=${{ secrets.CF_TOKEN }}",
        "cloudflare zone id: 023e105f4ecef8ad9ca31a8372d0c353",
        "cloudflare ray id 8c7f3b2a1d9e4f60 on the 502",
        "wrangler login opens the browser, no token needed",
    ],
    "vault_token": [
        "Vault tokens start with hvs. (service) or hvb. (batch)",
        "VAULT_TOKEN=hvs.xxxxxxxx",
        "vault login -method=oidc",
        "X-Vault-Token: $VAULT_TOKEN",
        "hvs.CAESI… (truncated in the audit log)",
    ],
    "doppler_token": [
        "Doppler service tokens start with dp.st.",
        "DOPPLER_TOKEN=dp.st.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "doppler run -- npm start",
        "dp.pt.… truncated",
        "config dp.st.prd is the production one",
    ],
    "pulumi_token": [
        "Pulumi tokens start with pul-",
        "PULUMI_ACCESS_TOKEN=pul-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "pulumi login --local",
        "pul-request 42 merged",
        "pul-… truncated in the output",
    ],
    "databricks_token": [
        "Databricks PATs start with dapi",
        "DATABRICKS_TOKEN=dapixxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "dapi… (truncated)",
        "the dapi endpoint is deprecated",
        "databricks auth login --host https://adb-123.azuredatabricks.net",
    ],
    "twilio_key": [
        "build SK4f9c2e7a1b3d5f608e1c2a4b6d8f0e1a passed",
        "Twilio API key SIDs start with SK, account SIDs with AC",
        "order AC0123 shipped",
        "twilio sid: ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "md5 of the file: AC3f2c9a7e1b5d4f608e1c2a4b6d8f0e (from the vendor)",
    ],
    "sendgrid_key": [
        "SendGrid keys look like SG.xxxxx.yyyyy",
        "SENDGRID_API_KEY=SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "SG.1 is the first service group",
        "sg = SendGridAPIClient(os.environ['SENDGRID_API_KEY'])",
        "SG.… truncated",
    ],
    "mailgun_key": [
        "Mailgun private keys used to start with key-",
        "MAILGUN_API_KEY=key-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "the pubkey-3ax6xnjp29jd6fds4gc373sgvjxteol0 is the public validation key",
        "mailgun webhook signing is HMAC-SHA256",
        "monkey-island was a great game",
    ],
    "discord_token": [
        "Discord bot tokens have three parts separated by dots",
        "DISCORD_TOKEN=your-bot-token-here",
        "https://discord.com/api/webhooks/… (redacted)",
        "join our server at https://discord.gg/acme",
        "MTExampleNotABotTokenAtAll.GhT5xQ.k3Vb9ZpQ2mRxL7wYc4NfJ8sD1aE6tU0oHiGvBn",
    ],
    "telegram_bot_token": [
        "Telegram bot tokens look like 123456789:AA…",
        "TELEGRAM_BOT_TOKEN=123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
        "meeting at 10:30 in room 4",
        "ratio 16:9 for the stream",
        "chat id -1001234567890 is the alerts group",
    ],
    "teams_webhook": [
        "Teams webhooks look like https://<tenant>.webhook.office.com/webhookb2/…",
        "TEAMS_WEBHOOK_URL=${{ secrets.TEAMS_WEBHOOK }}",
        "join the call: https://teams.microsoft.com/l/meetup-join/19%3ameeting",
        "office 365 connectors are being retired, use workflows",
        "https://acme.webhook.office.com/webhookb2/ (truncated)",
    ],
    "mailchimp_key": [
        "Mailchimp keys end with the data center, like -us6",
        "MAILCHIMP_API_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-us6",
        "the campaign went out to us6 and us12 lists",
        "region code eu-west-1 vs us-east-1",
        "mailchimp server prefix: us6",
    ],
    "datadog_key": [
        "datadog dashboards for the API are up, commit 3f2c9a7e1b5d4f608e1c2a4b6d8f0e1a9b8c7d6e",
        "DD_API_KEY=${DATADOG_API_KEY}",
        "datadog trace id 4f9c2e7a1b3d5f608e1c2a4b6d8f0e1a in the logs",
        "DD_API_KEY=<your-api-key>",
        "the datadog agent needs DD_SITE=datadoghq.eu",
    ],
    "sentry_dsn": [
        "Sentry DSNs look like https://<key>@o0.ingest.sentry.io/<project>",
        "SENTRY_DSN=https://<key>@<org>.ingest.sentry.io/<project>",
        "docs at https://docs.sentry.io/platforms/javascript/",
        "sentry release 4f9c2e7a1b3d5f608e1c2a4b6d8f0e1a deployed to project 4505",
        "dsn: process.env.SENTRY_DSN",
    ],
    "sentry_token": [
        "Sentry org tokens start with sntrys_",
        "SENTRY_AUTH_TOKEN=sntrys_xxx",
        "sentry-cli login opens the browser",
        "sntryu_… truncated",
        "SENTRY_AUTH_TOKEN=${{ secrets.SENTRY_AUTH_TOKEN }}",
    ],
    "grafana_token": [
        "Grafana service account tokens start with glsa_",
        "GRAFANA_TOKEN=glsa_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx_xxxxxxxx",
        "glc_ tokens are for Grafana Cloud",
        "dashboard uid glc_overview_prod",
        "GRAFANA_TOKEN=${GRAFANA_SA_TOKEN}",
    ],
    "newrelic_key": [
        "New Relic user keys start with NRAK-",
        "NEW_RELIC_API_KEY=NRAK-XXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "NRAL is the suffix of license keys",
        "NEW_RELIC_LICENSE_KEY=${NR_LICENSE}",
        "NRAK-… truncated",
    ],
    "okta_token": [
        "Okta API tokens start with 00 and you send them as SSWS",
        "Authorization: SSWS ${OKTA_API_TOKEN}",
        "okta org: acme.okta.com",
        "okta user id 00u1abcd2EFGH3ijk4x7 is the service account",
        "OKTA_API_TOKEN=00xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ],
    "shopify_token": [
        "Shopify admin tokens start with shpat_",
        "SHOPIFY_ACCESS_TOKEN=shpat_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "shpat_… truncated",
        "X-Shopify-Access-Token: {{ token }}",
        "shpss_00000000000000000000000000000000 in the test fixture",
    ],
    "atlassian_token": [
        "Atlassian API tokens start with ATATT3",
        "JIRA_API_TOKEN=ATATT3xxxx",
        "ATATT3… (truncated in the screenshot)",
        "JIRA_API_TOKEN=${{ secrets.JIRA_TOKEN }}",
        "ticket ATATT-3 is the token rotation epic",
    ],
    "linear_key": [
        "Linear keys start with lin_api_",
        "LINEAR_API_KEY=lin_api_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "lin_api_… truncated",
        "the lin_oauth flow needs a redirect",
        "LINEAR_API_KEY=${LINEAR_KEY}",
    ],
    "notion_token": [
        "Notion tokens start with secret_ or ntn_",
        "NOTION_TOKEN=secret_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "the secret_santa channel is open 🎅",
        "NOTION_TOKEN=${NOTION}",
        "ntn_… truncated",
    ],
    "figma_token": [
        "Figma tokens start with figd_",
        "FIGMA_TOKEN=figd_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "figd_… truncated",
        "fig_export_all_frames_to_svg_and_png_now",
        "FIGMA_TOKEN=${{ secrets.FIGMA }}",
    ],
    "dropbox_token": [
        "Dropbox short-lived tokens start with sl.",
        "DROPBOX_ACCESS_TOKEN=sl.xxxx",
        "sl.… truncated",
        "the aaaaaaaaaa key on my keyboard is stuck AAAAAAAAAA",
        "DROPBOX_ACCESS_TOKEN=${DROPBOX}",
    ],
    "airtable_token": [
        "Airtable PATs start with pat",
        "AIRTABLE_API_KEY=patxxxxxxxxxxxxxx.xxxxxxxx",
        "pattern.matching is fun",
        "patch notes: patch.2026 is out",
        "AIRTABLE_API_KEY=${AIRTABLE}",
    ],
    "age_secret_key": [
        "age secret keys start with AGE-SECRET-KEY-1",
        "recipient: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
        "AGE-SECRET-KEY-1… (truncated)",
        "SOPS_AGE_KEY_FILE=~/.config/sops/age/keys.txt",
        "AGE-SECRET-KEY-1XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    ],
    "connection_string": [
        "DATABASE_URL=postgres://user:password@localhost:5432/mydb",
        "postgresql://username:<password>@host:5432/database is the format",
        "mysql://root:${MYSQL_ROOT_PASSWORD}@db:3306/app",
        "redis://localhost:6379/0 for the cache",
        "Server=myServerAddress;Database=myDataBase;User Id=myUsername;Password=myPassword;",
    ],
    "prose_password": [
        "I forgot my password again, can someone reset it?",
        "password reset link: https://acme.example/reset",
        "the password is required for the guest network",
        "the password is on the fridge",
        "Your password must be 12-16 characters long",
        "mot de passe : obligatoire",
        "das Passwort ist falsch, versuch es nochmal",
    ],
}

PROSE_POS = [
    ("My password is hunter2 for the wifi", "hunter2"),
    ("the guest wifi password is BlueFalcon42 if anyone needs it", "BlueFalcon42"),
    ("pw: Gl4ss!House (the meeting room laptop)", "Gl4ss!House"),
    ("Das Passwort für das WLAN ist Sommer2024!", "Sommer2024"),
    ("le mot de passe : Soleil#42 pour la salle 3", "Soleil#42"),
    ("la contraseña: Gato1234 para el portátil", "Gato1234"),
    ("Password for the shared Netflix is \"popcorn\" lol", "popcorn"),
    ("The passcode is 48151623 for the side door", "48151623"),
]

# Extra cases for the older credential detectors (the fixes): value, and whether it is a trap.
OLD_POS = [
    ("azure_storage_key", "Azurite emulator (published dev key, lower severity): DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;", "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="),
    ("sentry_dsn", "Sentry's docs use dsn: \"https://examplePublicKey@o0.ingest.sentry.io/0\" (lower severity)", "https://examplePublicKey@o0.ingest.sentry.io/0"),
    ("google_api_key", "Firebase iOS docs example: @\"AIzaSyDdVgKwhZl0sTTTLZ7iTmt1r3N2cJLnaDk\" (lower severity, still shown)", "AIzaSyDdVgKwhZl0sTTTLZ7iTmt1r3N2cJLnaDk"),
    ("slack_token", "post here: hooks.slack.com/services/T0{a}/B0{b}/{c}", None),
    ("slack_token", "xoxe.xoxp-1-{cfg}", None),
    ("github_token", "token {gh} (rotated)", None),
    ("generic_secret", "const awsSecretKey = \"{s1}\";", None),
    ("generic_secret", "accessToken: '{s2}'", None),
    ("generic_secret", "\"client_secret\" : \"{h64}\",", None),
    ("generic_secret", "curl -H 'Authorization: Bearer {s3}' https://api.acme.io/v1/me", None),
    ("generic_secret", "encryption_key={s4}", None),
    ("generic_secret", "curl -H \"Authorization: Basic {basic}\" https://ci.acme.io/api/json", None),
]
OLD_TRAPS = [
    ("google_api_key", "the Maps sample key AIzaSy... is in every tutorial"),
    ("github_token", "tokens look like ghp_ plus 36 characters"),
    ("slack_token", "hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"),
    ("generic_secret", "api_key: 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"),
    ("generic_secret", "sha256_hash: 6da89121079f83b2eb6acccf8219ea982c3d79bccc3e9c6a85856480661f8fde"),
    ("generic_secret", "Authorization: Bearer <token>"),
    ("generic_secret", "the docs example is Authorization: Basic dXNlcm5hbWU6cGFzc3dvcmQ= (username:password)"),
    ("jwt", "JWTs start with eyJ because {\" is base64 eyJ"),
    ("aws_access_key", "AWS keys start with AKIA, e.g. AKIAIOSFODNN7EXAMPLE from the docs"),
    ("stripe_key", "Stripe prod keys look like sk_prod_... in some SDKs"),
    ("private_key", "-----BEGIN OPENSSH PRIVATE KEY-----\n(paste your key here)\n-----END OPENSSH PRIVATE KEY-----"),
]


def main():
    lines = []
    for det, templates in POS.items():
        for t in templates:
            v, extra = pos_value(det)
            text = t.format(v=v, **extra)
            want = expected_value(det, t, v, extra)
            assert want in text, (det, t)
            lines.append({"text": text, "expect": [[det, want]]})
    for text, pw in PROSE_POS:
        lines.append({"text": text, "expect": [["prose_password", pw]]})
    for det, texts in TRAPS.items():
        for t in texts:
            lines.append({"text": t, "expect": [], "trap": det})
    gh = crc_token("ghp_")
    a, b, c = rnd(8, string.ascii_uppercase + string.digits), rnd(9, string.ascii_uppercase + string.digits), rnd(24)
    values = {
        "a": a, "b": b, "c": c, "cfg": rnd(160), "gh": gh,
        "s1": rnd(32), "s2": rnd(20), "h64": hexs(64), "s3": rnd(28), "s4": rnd(20),
        "basic": base64.b64encode(("jenkins-bot:" + rnd(14, ALNUM + "!#")).encode()).decode(),
    }
    for det, t, want in OLD_POS:
        text = t.format(**values)
        if want is None:
            if det == "slack_token":
                want = text.split(" ")[-1] if "hooks" in text else text
            elif det == "github_token":
                want = gh
            else:
                key = {"{s1}": "s1", "{s2}": "s2", "{h64}": "h64", "{s3}": "s3", "{s4}": "s4", "{basic}": "basic"}
                want = next(values[k] for p, k in key.items() if p in t)
        lines.append({"text": text, "expect": [[det, want]]})
    for det, t in OLD_TRAPS:
        lines.append({"text": t, "expect": [], "trap": det})
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus_secrets.jsonl")
    with open(out, "w") as f:
        for line in lines:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"{len(lines)} posts -> {out}")


if __name__ == "__main__":
    main()
