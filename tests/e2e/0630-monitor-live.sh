#!/usr/bin/env bash
# `netreview monitor` on the loopback interface (issue 6): while it watches `lo`, the test sends
# UDP datagrams and a TCP conversation to 127.0.0.1 from python3; the periodic summaries and the
# final report count them, with the ports they went to. A second run is stopped by SIGINT and
# still exits 0 with its report; SIGTERM likewise. Skipped (exit 0, with the reason) only when
# this host does not permit capturing.
. "$(dirname "$0")/lib.sh"

UDP_PORT=$((20000 + RANDOM % 10000))
TCP_PORT=$((UDP_PORT + 1))
N_UDP=25

# Permission first: a short run that must either start or say it may not capture.
nr monitor lo --duration 1 --json
if [ "$rc" -ne 0 ]; then
  if grep -qiE 'permi|not permitted|operation not permitted|CAP_NET_RAW' "$T/err"; then
    echo "0630 SKIPPED: capturing on lo is not permitted here: $(head -1 "$T/err")"
    exit 0
  fi
  fail "monitor lo failed: $(cat "$T/err")"
fi
jq -e '.source == "lo" and .capture.format == "live"' "$T/out" >/dev/null || fail "a short run's report: $(head -c 400 "$T/out")"

# traffic: N_UDP datagrams and one TCP exchange to 127.0.0.1.
traffic() {
  python3 - "$UDP_PORT" "$TCP_PORT" "$N_UDP" <<'EOF'
import socket, sys, threading, time
udp_port, tcp_port, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", tcp_port)); srv.listen(1)
def serve():
    c, _ = srv.accept()
    data = c.recv(65536)
    c.sendall(b"pong:" + data)
    c.close()
t = threading.Thread(target=serve); t.start()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(n):
    u.sendto(b"netreview-monitor-%d" % i, ("127.0.0.1", udp_port))
    time.sleep(0.02)
c = socket.create_connection(("127.0.0.1", tcp_port))
c.sendall(b"ping" * 100)
c.recv(65536)
c.close()
t.join()
EOF
}

# ---- a timed run with summaries every second (filtered: other tests talk on lo too) ----
"$NETREVIEW_BIN" monitor lo --duration 4 --interval 1 --json --filter "port $UDP_PORT or port $TCP_PORT" >"$T/live.json" 2>"$T/live.err" &
pid=$!
for _ in $(seq 1 50); do grep -q 'monitoring lo' "$T/live.err" 2>/dev/null && break; sleep 0.1; done
sleep 0.3
traffic
set +e
wait "$pid"
code=$?
set -e
expect_eq "$code" 0 "exit of monitor --duration: $(cat "$T/live.err")"
grep -Eq '^[0-9T:-]+Z packets [0-9]+ \(.*\), flows [0-9]+, destinations [0-9]+, findings [0-9]+$' "$T/live.err" ||
  fail "no periodic summary on stderr: $(cat "$T/live.err")"
[ "$(grep -c ' packets ' "$T/live.err")" -ge 2 ] || fail "fewer than two summaries in 4 s: $(cat "$T/live.err")"
packets=$(jq .capture.packets "$T/live.json")
# On lo each datagram is seen once; the TCP exchange adds its handshake, data and close.
[ "$packets" -ge $((N_UDP + 6)) ] || fail "the report counts $packets packets, sent at least $((N_UDP + 6))"
jq -e --arg p "udp/$UDP_PORT" --argjson n "$N_UDP" \
  '.destinations[] | select(.destination == "127.0.0.1" and (.ports | index($p) != null)) | .packets_out >= $n' "$T/live.json" >/dev/null ||
  fail "no destination 127.0.0.1 with udp/$UDP_PORT and $N_UDP packets: $(jq -c '[.destinations[] | [.destination, .ports, .packets_out]]' "$T/live.json")"
jq -e --arg p "tcp/$TCP_PORT" '[.destinations[] | select(.ports | index($p) != null)] | length == 1' "$T/live.json" >/dev/null ||
  fail "no TCP destination on port $TCP_PORT: $(jq -c '[.destinations[] | .ports]' "$T/live.json")"
jq -e '.capture.link_type != null and .capture.dropped == 0 and .error == null' "$T/live.json" >/dev/null ||
  fail "capture block: $(jq -c .capture "$T/live.json")"

# ---- stopped by a signal: exit 0 and the report of what was seen ----
for sig in INT TERM; do
  "$NETREVIEW_BIN" monitor lo --filter "udp port $UDP_PORT" >"$T/sig.out" 2>"$T/sig.err" &
  pid=$!
  for _ in $(seq 1 50); do grep -q 'monitoring lo' "$T/sig.err" 2>/dev/null && break; sleep 0.1; done
  sleep 0.3
  traffic
  sleep 0.5
  kill -"$sig" "$pid"
  set +e
  wait "$pid"
  code=$?
  set -e
  expect_eq "$code" 0 "exit after SIG$sig: $(cat "$T/sig.err")"
  grep -q "^lo: live, " "$T/sig.out" || fail "no report after SIG$sig: $(head -5 "$T/sig.out")"
  # The filter kept only the datagrams.
  grep -Eq "^lo: live, [A-Z_0-9]+, $N_UDP packets" "$T/sig.out" || fail "SIG$sig: the filtered report: $(head -2 "$T/sig.out")"
done
refused 2 'monitor needs an interface' monitor
refused 2 '--duration must be a number' monitor lo --duration 0
nr monitor no-such-interface-0 --duration 1
[ "$rc" -ne 0 ] || fail "monitor on a missing interface succeeded"
echo "0630: $packets packets seen on lo; stopped cleanly by SIGINT and SIGTERM"
