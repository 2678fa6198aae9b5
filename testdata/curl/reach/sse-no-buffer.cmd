# Streaming: -N, --limit-rate, -4, --keepalive-time, --tcp-nodelay.
curl -N --limit-rate 100K -4 --keepalive-time 60 --tcp-nodelay -H 'Accept: text/event-stream' 'http://127.0.0.1:18123/events'
