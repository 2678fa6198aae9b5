curl -F 'meta={"a":1};type=application/json' -F 'f=@-' http://127.0.0.1:18123/upload <<'EOF'
line one
EOF
