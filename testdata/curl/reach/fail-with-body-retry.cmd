# CI scripts: --fail-with-body, --retry with its delays, -v, --http1.1.
curl --fail-with-body --retry 3 --retry-delay 2 --retry-all-errors --retry-connrefused -v --http1.1 \
  -H 'Content-Type: application/json' \
  -d '{"ping":true}' \
  http://127.0.0.1:18123/api/v1/hooks/test
