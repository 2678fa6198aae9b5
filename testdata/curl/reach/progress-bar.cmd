# -# and -O/--remote-name, --create-dirs, --output-dir: output only.
curl -# -O --create-dirs --output-dir /tmp/x 'http://127.0.0.1:18123/files/report.csv'
