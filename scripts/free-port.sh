#!/usr/bin/env bash
# Prints a TCP port on 127.0.0.1 that nothing listens on now (20000–39999), for servers the benchmarks and
# tests start themselves. Exits 1 when 50 tries found none.
for _ in $(seq 1 50); do
  p=$((20000 + RANDOM % 20000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; exit 0; fi
done
echo "free-port: no free port found" >&2
exit 1
