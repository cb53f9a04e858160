#!/bin/sh
# A large table in the built appliance: boot replay and srv6:config load of ROUTES IPv6 routes and
# SIDS End SIDs (routes/s), one ip route add at that size, RSS per route, then the same figures
# in one process against the core (RouteScale), with a flow forwarded through memory ports during
# the loads. During the appliance's config load, a host pings another through two of its TAP
# ports every 2 ms (the I/O backend is the home's, srv6.io=auto: io_uring where the kernel has it)
# and the answered share is printed. Prints figures; asserts nothing.
# usage: run.sh [ROUTES [SIDS]]   (root: the routes go on a TAP port; SRV6_HOME = built distribution,
# default ../../distribution/target/srv6-appliance; SRV6_JAVA_OPTS = the appliance's JVM options)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROUTES=${1:-1000000}
SIDS=${2:-100000}
SRC_HOME=${SRV6_HOME:-$HERE/../../distribution/target/srv6-appliance}
# a million routes take about 250 MB of heap; the serial collector with a small young generation
# and little free heap kept gives the memory of a load back to the system
GC_OPTS="-Xmx1g -Xmn64m -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20"
export SRV6_JAVA_OPTS="${SRV6_JAVA_OPTS:-$GC_OPTS}"
TAP=rt$$
# two hosts behind TAP ports of the appliance, pinging each other through it during the load
HA=rth$$a
HB=rth$$b
WORK=$(mktemp -d)
H=$WORK/home
PING_PID=
cleanup() {
	[ -n "$PING_PID" ] && kill "$PING_PID" 2>/dev/null
	[ -x "$H/bin/srv6" ] && "$H/bin/srv6" stop >/dev/null 2>&1
	ip link del "$TAP" 2>/dev/null
	ip netns del "$HA" 2>/dev/null
	ip netns del "$HB" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
rss_kb() { sed -n 's/^VmRSS:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$1/status"; }
client() { "$H/bin/srv6" client "$1"; }

# gen PART: the routes and SIDs of one file (PART picks other prefixes)
gen() {
	awk -v r="$ROUTES" -v s="$SIDS" -v tap="$TAP" -v part="$1" 'BEGIN {
		for (i = 0; i < r; i++)
			printf "ip -6 route add 2001:%x:%x:%x::/64 via fe80::1 dev %s\n", 4096 + part, int(i / 65536), i % 65536, tap
		for (i = 0; i < s; i++)
			printf "ip -6 route add fc00:%x::%x:%x/128 encap seg6local action End dev %s\n", 256 + part, int(i / 65536), i % 65536, tap
	}'
}

cp -a "$SRC_HOME" "$H" || exit 1
rm -rf "$H/var" "$H/etc/srv6.conf"*
mkdir -p "$H/etc"

# an empty appliance: the RSS the routes are measured against
printf 'ip link add %s type tap\n' "$TAP" > "$H/etc/srv6.conf"
"$H/bin/srv6" start >/dev/null || exit 1
PID=$(cat "$H/var/srv6.pid")
sleep 2
RSS0=$(rss_kb "$PID")
"$H/bin/srv6" stop >/dev/null
rm -rf "$H/var/cache"

{ printf 'ip link add %s type tap\n' "$TAP"; gen 0; } > "$H/etc/srv6.conf"
gen 1 > "$WORK/load.conf"
N=$((ROUTES + SIDS))
echo "configuration: $ROUTES routes + $SIDS End SIDs on TAP port $TAP; appliance JVM: $SRV6_JAVA_OPTS"

t0=$(now)
"$H/bin/srv6" start >/dev/null || exit 1
t1=$(now)
PID=$(cat "$H/var/srv6.pid")
status=$(client "srv6:config status" | head -1)
echo "boot replay: $status"
echo "$status" | awk -v n="$N" '{ for (i = 1; i < NF; i++) if ($(i + 1) == "ms") printf "boot replay: %.0f routes/s\n", n * 1000 / $i }'
echo "start (JVM, framework, replay, admin socket): $(ms "$t0" "$t1") ms"
RSS1=$(rss_kb "$PID")
echo "RSS at $N routes: $((RSS1 / 1024)) MB, empty appliance $((RSS0 / 1024)) MB: $(( (RSS1 - RSS0) * 1024 / N )) B/route"
# the serial collector gives back a little more of the boot's peak at each full collection
if command -v jcmd >/dev/null; then
	for i in 1 2 3 4; do jcmd "$PID" GC.run >/dev/null 2>&1; done
	RSS1=$(rss_kb "$PID")
	echo "RSS at $N routes after 4 full collections: $((RSS1 / 1024)) MB: $(( (RSS1 - RSS0) * 1024 / N )) B/route"
fi

# one add at full size, journaled as typed: 1000 adds in one client call, less one add in one call
# (the client's JVM start is in both)
cmds=$(awk -v tap="$TAP" 'BEGIN { for (i = 1; i <= 1000; i++) printf "%sip -6 route add 2001:db9:%x::/48 via fe80::1 dev %s", (i > 1 ? "; " : ""), i, tap }')
t0=$(now); client "ip -6 route add 2001:db9:ffff::/48 via fe80::1 dev $TAP" >/dev/null; t1=$(now)
t2=$(now); client "$cmds" >/dev/null; t3=$(now)
echo "single ip route add at $N routes: $(( ( (t3 - t2) - (t1 - t0) ) / 999000 )) us each (1000 in one client call: $(ms "$t2" "$t3") ms, one: $(ms "$t0" "$t1") ms)"

# traffic during the load: HA - ${TAP}a - appliance - ${TAP}b - HB
ip netns add "$HA" && ip netns add "$HB" || exit 1
client "ip link add ${TAP}a type tap netns $HA; ip link add ${TAP}b type tap netns $HB; ip link set ${TAP}a up; \
ip link set ${TAP}b up; ip -6 addr add fc01:1::1/64 dev ${TAP}a; ip -6 addr add fc01:2::1/64 dev ${TAP}b" >/dev/null || exit 1
ip -n "$HA" link set "${TAP}a" up; ip -n "$HB" link set "${TAP}b" up
ip -n "$HA" -6 addr add fc01:1::2/64 dev "${TAP}a" nodad; ip -n "$HA" -6 route add default via fc01:1::1
ip -n "$HB" -6 addr add fc01:2::2/64 dev "${TAP}b" nodad; ip -n "$HB" -6 route add default via fc01:2::1
ip netns exec "$HA" ping -6 -c 3 -W 2 fc01:2::2 >/dev/null || echo "warning: $HA does not reach $HB through the appliance"
echo "I/O backend: $(client "srv6:stats" | sed -n 's/^io: //p')"
ip netns exec "$HA" ping -6 -i 0.002 -W 1 fc01:2::2 > "$WORK/ping" 2>&1 &
PING_PID=$!
sleep 1

t0=$(now)
out=$(client "srv6:config load $WORK/load.conf" 2>&1)
t1=$(now)
sleep 1
kill -INT "$PING_PID"; wait "$PING_PID" 2>/dev/null; PING_PID=
[ -n "$out" ] && echo "config load said: $out" | head -5
echo "config load: $N lines in $(ms "$t0" "$t1") ms: $(( N * 1000 / ( ($(ms "$t0" "$t1") + 1) ) )) routes/s"
echo "$HA -> $HB through the appliance during the load (every 2 ms): $(grep 'packets transmitted' "$WORK/ping")"
RSS2=$(rss_kb "$PID")
echo "RSS at $((2 * N)) routes: $((RSS2 / 1024)) MB: $(( (RSS2 - RSS0) * 1024 / (2 * N) )) B/route"
t0=$(now)
"$H/bin/srv6" stop >/dev/null
t1=$(now)
echo "stop (configuration written once): $(ms "$t0" "$t1") ms, $(( $(wc -l < "$H/etc/srv6.conf") )) lines saved"

echo "--- in one process (core only, forwarding through memory ports during the loads)"
JAR=$HERE/../target/benchmarks.jar
if [ -f "$JAR" ]; then
	java $GC_OPTS -Dio.netty.leakDetection.level=disabled -cp "$JAR" \
		org.srv6.appliance.benchmarks.RouteScale "$ROUTES" "$SIDS"
else
	echo "no $JAR; build it: mvn -B -pl benchmarks -am package -DskipTests"
fi
