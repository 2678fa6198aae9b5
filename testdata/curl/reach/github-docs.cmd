# GitHub REST docs' curl: -L, -X POST, one -H a line, a JSON -d.
curl -L \
  -X POST \
  -H "Accept: application/vnd.github+json" \
  -H "Authorization: Bearer ghp_16C7e42F292c6912E7710c838347Ae178B4a" \
  -H "X-GitHub-Api-Version: 2022-11-28" \
  http://127.0.0.1:18123/repos/OWNER/REPO/issues \
  -d '{"title":"Found a bug","body":"I'\''m having a problem with this.","labels":["bug"]}'
