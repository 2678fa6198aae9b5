curl -H 'Content-Type: application/json' --data-binary @- http://127.0.0.1:18123/p <<'END'
{"a": "$HOME"}
END
