#!/usr/bin/env bash
# thunderbird-check.sh: open a ticket in a real Thunderbird, as the sender
# (a draft, since the ticket carries X-Unsent: 1) and as support (the same
# message without X-Unsent, shown as received), and screenshot each first
# screen. Needs thunderbird, Xvfb and ImageMagick's import
# (apt-get install thunderbird xvfb imagemagick); nothing is sent: the
# profile's account points at 127.0.0.1 ports nobody listens on.
#
#   bash docs/thunderbird-check.sh TICKET.eml OUTDIR
#
# writes OUTDIR/draft.png and OUTDIR/received.png (1400x1000 screen).
# Checked with Thunderbird 153 ESR: without an account Thunderbird shows
# its account wizard instead, which is why the profile has one.
set -euo pipefail
ticket=$(realpath "$1")
out=$(realpath -m "${2:-.}")
mkdir -p "$out"
work=$(mktemp -d)
trap 'pkill -f "thunderbird.*$work" || true; kill "$xvfb" 2>/dev/null || true; rm -rf "$work"' EXIT

mkdir "$work/profile"
cat >"$work/profile/user.js" <<'PREFS'
user_pref("mail.accountmanager.accounts", "account1,account2");
user_pref("mail.accountmanager.defaultaccount", "account1");
user_pref("mail.accountmanager.localfoldersserver", "server2");
user_pref("mail.account.lastKey", 2);
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.account.account2.server", "server2");
user_pref("mail.identity.id1.fullName", "Dev Integrator");
user_pref("mail.identity.id1.useremail", "dev@example.test");
user_pref("mail.identity.id1.valid", true);
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.server.server1.type", "pop3");
user_pref("mail.server.server1.hostname", "127.0.0.1");
user_pref("mail.server.server1.port", 1110);
user_pref("mail.server.server1.userName", "dev");
user_pref("mail.server.server1.name", "dev@example.test");
user_pref("mail.server.server1.login_at_startup", false);
user_pref("mail.server.server1.check_new_mail", false);
user_pref("mail.server.server2.type", "none");
user_pref("mail.server.server2.hostname", "Local Folders");
user_pref("mail.server.server2.name", "Local Folders");
user_pref("mail.server.server2.userName", "nobody");
user_pref("mail.smtpservers", "smtp1");
user_pref("mail.smtp.defaultserver", "smtp1");
user_pref("mail.smtpserver.smtp1.hostname", "127.0.0.1");
user_pref("mail.smtpserver.smtp1.port", 1025);
user_pref("mail.provider.suppress_dialog_on_startup", true);
user_pref("mail.shell.checkDefaultClient", false);
user_pref("mailnews.start_page.enabled", false);
user_pref("mail.rights.version", 1);
user_pref("app.update.enabled", false);
user_pref("datareporting.policy.dataSubmissionPolicyBypassNotification", true);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
user_pref("mail.spellcheck.inline", false);
PREFS

display=:$((60 + RANDOM % 200))
Xvfb "$display" -screen 0 1400x1000x24 >/dev/null 2>&1 &
xvfb=$!
sleep 1
shot() { # shot FILE.eml NAME
	DISPLAY=$display thunderbird --no-remote -profile "$work/profile" -file "$1" >"$work/$2.log" 2>&1 &
	local tb=$!
	sleep "${WAIT:-25}"
	DISPLAY=$display import -window root "$out/$2.png"
	kill "$tb" 2>/dev/null || true
	pkill -f "thunderbird.*$work" || true
	sleep 2
}
shot "$ticket" draft
grep -v '^X-Unsent:' "$ticket" >"$work/received.eml"
shot "$work/received.eml" received
echo "wrote $out/draft.png and $out/received.png"
