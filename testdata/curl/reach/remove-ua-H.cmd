# -H 'User-Agent:' removes the header; -H 'Accept:' removes curl's Accept.
curl -H 'User-Agent:' -H 'Accept:' 'http://127.0.0.1:18123/api/v1/company/4564'
