#!/usr/bin/env bash
# Packet-rate matrix: the appliance against a kernel router namespace, same generator (gen.c,
# AF_PACKET sendmmsg, on CPU 1) from H1 and same sink H2 (which only counts: no IPv6 on its port).
#
#   cases      ipv6 (plain forwarding, no SRv6), end, endx (End.X nh6 to H2 out the sink port),
#              encap (T.Encaps: plain IPv6 to a prefix routed "encap seg6 mode encap segs" behind H2),
#              dt6 (End.DT6: decapsulation, the inner packet looked up in table 100)
#   backends   tap-epoll, tap-io_uring (TAP ports, srv6.io=epoll|io_uring), packet (AF_PACKET
#              ports "type packet dev vN" on veths)
#   loops      srv6.loops=N
#   (loops N: the appliance on CPUs 0..N-1; GEN_FLOWS=16 flows by default so that hashes spread them)
#   placements local: the forwarder (appliance, or the kernel router's receive processing) on
#              CPU 0, the generator on CPU 1, the sink's receive processing in the forwarder's
#              context (CPU 0); rps: the same, but RPS on the sink's port steers its receive
#              processing to CPU 1 (the forwarder pays an inter-processor interrupt per write)
#
# env: COUNT (packets per measurement, default 1000000), ROUNDS (3), GEN_FLOWS (16), CASES, BACKENDS, LOOPS,
# PLACEMENTS (space-separated lists, defaults all of the above), OUT (also write the table to this
# file), SRV6_HOME (built distribution, default the source tree's distribution/target/srv6-appliance),
# SRV6_JAVA_OPTS (passed to the appliance's JVM), PROFILE=PREFIX (a JFR recording of each started
# appliance's measured runs, PREFIX.BACKEND.LOOPS.jfr), PERF=PREFIX (perf record -g of the same,
# PREFIX.BACKEND.LOOPS.data), STATS=1 (print the appliance's srv6:stats, its port and drop
# counters, after each backend's runs). Root. A quick run:
#   CASES=end BACKENDS=tap-epoll LOOPS=1 PLACEMENTS=local ROUNDS=1 COUNT=200000 benchmarks/pps/run.sh
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
COUNT=${COUNT:-${1:-1000000}}
ROUNDS=${ROUNDS:-3}
CASES=${CASES:-ipv6 end endx encap dt6}
# PORT_TYPE=packet (earlier versions' switch) stands for BACKENDS=packet
[ "${PORT_TYPE:-}" = packet ] && BACKENDS=${BACKENDS:-packet}
BACKENDS=${BACKENDS:-tap-epoll tap-io_uring packet}
LOOPS=${LOOPS:-1 2}
PLACEMENTS=${PLACEMENTS:-local rps}
OUT=${OUT:-}
# flows the generator sends (the UDP source port takes GEN_FLOWS values), so that flow hashes spread
# them over the queues or fanout sockets of several loops
export GEN_FLOWS=${GEN_FLOWS:-16}
SRC_HOME=${SRV6_HOME:-$HERE/../../distribution/target/srv6-appliance}
# the forwarder's CPU and the generator's (the other one)
FWD_CPU=0
GEN_CPU=1
FWD_MASK=$(printf '%x' $((1 << FWD_CPU)))
GEN_MASK=$(printf '%x' $((1 << GEN_CPU)))
TCK=$(getconf CLK_TCK)

for c in $CASES; do case $c in ipv6|end|endx|encap|dt6) ;; *) echo "unknown case $c (ipv6 end endx encap dt6)" >&2; exit 2 ;; esac; done
for b in $BACKENDS; do case $b in tap-epoll|tap-io_uring|packet) ;; *) echo "unknown backend $b (tap-epoll tap-io_uring packet)" >&2; exit 2 ;; esac; done
for p in $PLACEMENTS; do case $p in local|rps) ;; *) echo "unknown placement $p (local rps)" >&2; exit 2 ;; esac; done
for l in $LOOPS; do case $l in ''|*[!0-9]*) echo "loops: $l is not a number" >&2; exit 2 ;; esac; done
[ -x "$SRC_HOME/bin/srv6" ] || { echo "no appliance at $SRC_HOME: build it (mvn -B -o -q -pl distribution -am package -DskipTests) or set SRV6_HOME" >&2; exit 2; }

P=pps$$
H1=${P}h1; H2=${P}h2; RK=${P}rk; RA=${P}ra
WORK=$(mktemp -d)
HOME_COPY=$WORK/home
APID=
stop_appliance() {
	if [ -x "$HOME_COPY/bin/srv6" ] && ip netns list | grep -q "^$RA\b"; then
		ip netns exec $RA "$HOME_COPY/bin/srv6" stop >/dev/null 2>&1
	fi
	# the process this script started, by its pid, if stop did not end it
	if [ -n "$APID" ] && kill -0 "$APID" 2>/dev/null; then
		kill -9 "$APID" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$APID" 2>/dev/null || break; sleep 0.1; done
	fi
	APID=
	# a TAP moved to H1/H2 goes with the process that held it
	for _ in $(seq 50); do
		ip -n $H1 link show a1 >/dev/null 2>&1 || ip -n $H2 link show a2 >/dev/null 2>&1 || break
		sleep 0.1
	done
	ip netns del $RA 2>/dev/null
	# the veth peers of a packet backend go with RA
	for _ in $(seq 50); do
		ip -n $H1 link show a1 >/dev/null 2>&1 || ip -n $H2 link show a2 >/dev/null 2>&1 || break
		sleep 0.1
	done
}
PERF_PID=
cleanup() {
	[ -n "$PERF_PID" ] && kill -INT "$PERF_PID" 2>/dev/null
	stop_appliance
	for n in $H1 $H2 $RK $RA; do ip netns del $n 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
gcc -O2 -Wall -o "$WORK/gen" "$HERE/gen.c" || exit 1

rx_packets() { ip netns exec "$1" cat /sys/class/net/"$2"/statistics/rx_packets; }
mac() { ip netns exec "$1" cat /sys/class/net/"$2"/address; }
# rps NS DEV MASK: the CPUs that process what DEV receives (0: the sender's context)
rps() { ip netns exec "$1" sh -c "echo $3 > /sys/class/net/$2/queues/rx-0/rps_cpus"; }
# the sink port's RPS mask in a placement
sink_mask() { [ "$1" = rps ] && echo "$GEN_MASK" || echo 0; }
median() { printf '%s\n' "$@" | grep -v '^-*$' | sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.0f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# the generator's arguments after the MACs for a case and a count: SRC_IP6 SID FINAL_IP6 COUNT [MODE]
frame() {
	case $1 in
	ipv6) echo "fc00:1::5 :: fc00:2::9 $2 plain" ;;
	end) echo "fc00:1::5 fc00:100::1 fc00:2::9 $2" ;;
	endx) echo "fc00:1::5 fc00:100::2 fc00:2::9 $2" ;;
	encap) echo "fc00:1::5 :: fc00:3::9 $2 plain" ;;
	dt6) echo "fc00:1::5 fc00:100::d6 fc00:2::9 $2 dt6" ;;
	esac
}
# CPU ticks of the forwarder: a pid (utime + stime of the process, all its threads) or
# "softirq" (the softirq time of the forwarder's CPU, from /proc/stat)
cpu_ticks() {
	if [ "$1" = softirq ]; then
		awk -v c="cpu$FWD_CPU" '$1 == c { print $8 }' /proc/stat
	elif [ "$1" = - ] || [ ! -r "/proc/$1/stat" ]; then
		echo 0
	else
		sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
	fi
}
# measure CASE TXDEV DSTMAC RXNS RXDEV CPU COUNT: runs the generator on H1 (on GEN_CPU) and counts
# what reaches RXDEV; prints "PPS NS_PER_PACKET RECEIVED SENT" (NS "-" when CPU is "-")
measure() {
	local before after c0 c1 line sent secs
	before=$(rx_packets "$4" "$5"); c0=$(cpu_ticks "$6")
	# shellcheck disable=SC2046
	line=$(ip netns exec $H1 taskset -c $GEN_CPU "$WORK/gen" "$2" "$3" "$(mac $H1 "$2")" $(frame "$1" "$7")) \
		|| { echo "generator failed: $line" >&2; return 1; }
	# what is still queued reaches the sink
	sleep 0.5
	after=$(rx_packets "$4" "$5"); c1=$(cpu_ticks "$6")
	sent=$(echo "$line" | sed -n 's/^sent \([0-9]*\) packets in \([0-9.]*\) s.*/\1/p')
	secs=$(echo "$line" | sed -n 's/^sent \([0-9]*\) packets in \([0-9.]*\) s.*/\2/p')
	awk -v r=$((after - before)) -v s="$secs" -v n="$sent" -v c=$((c1 - c0)) -v cpu="$6" -v tck="$TCK" 'BEGIN {
		printf "%.0f %s %d %d\n", (s > 0 ? r / s : 0), (cpu == "-" || r == 0 ? "-" : sprintf("%.0f", c * 1e9 / tck / r)), r, n }'
}

# --- hosts: H1 sends, H2 counts
for n in $H1 $H2; do
	ip netns add $n
	ip netns exec $n sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	ip -n $n link set lo up
done
# H2 only counts: without IPv6 on its port the packets end right after the receive counter,
# instead of costing an ICMPv6 error each on whichever CPU delivers them
sink_port() { ip -n $H2 link set "$1" up; ip netns exec $H2 sysctl -qw net.ipv6.conf."$1".disable_ipv6=1; }
[ -e /sys/class/net/lo/queues/rx-0/rps_cpus ] || echo "RPS not available: the rps placement is the local one" >&2

declare -A PPS NS NOTE ALONE

# what H2 must receive in a case (tcpdump -t -nn): the forwarded packet, End/End.X with SL 0,
# T.Encaps with the outer header from the tunnel source to the first segment, End.DT6 decapsulated
expected() {
	case $1 in
	ipv6|dt6) echo '^IP6 fc00:1::5\.[0-9]* > fc00:2::9\.[0-9]*: UDP' ;;
	end) echo '^IP6 fc00:1::5 > fc00:2::9: RT6 .*segleft=0, .*\[1\]fc00:100::1) [0-9]* > [0-9]*: UDP' ;;
	endx) echo '^IP6 fc00:1::5 > fc00:2::9: RT6 .*segleft=0, .*\[1\]fc00:100::2) [0-9]* > [0-9]*: UDP' ;;
	encap) echo '^IP6 fc00:23::2 > fc00:2::a: RT6 .*segleft=1.* fc00:1::5\.[0-9]* > fc00:3::9\.[0-9]*: UDP' ;;
	esac
}
# check_output KEY CASE TXDEV DSTMAC RXDEV: one packet of the case captured on H2, and NOTE[KEY]
# says so when it is not what the case must forward (the cell is measured all the same)
check_output() {
	local tp got
	command -v tcpdump >/dev/null || return 0
	: > "$WORK/cap.err"
	ip netns exec $H2 timeout 10 tcpdump -t -nn -l -c 1 -i "$5" 'ip6 and (src fc00:1::5 or dst fc00:2::a)' > "$WORK/cap" 2> "$WORK/cap.err" &
	tp=$!
	for _ in $(seq 50); do grep -q listening "$WORK/cap.err" && break; sleep 0.1; done
	measure "$2" "$3" "$4" $H2 "$5" - 1000 >/dev/null
	wait $tp
	got=$(head -1 "$WORK/cap")
	if ! echo "$got" | grep -q "$(expected "$2")"; then
		echo "  $1: wrong output: ${got:-nothing}" >&2
		NOTE[$1]="wrong output: $(echo "${got:-nothing}" | cut -c1-60)"
	fi
}

# run_cell KEY CASE TXDEV DSTMAC RXDEV CPU: ROUNDS measurements; the medians into PPS/NS[KEY]
run_cell() {
	local key=$1 r res p n rcv snt pps=() ns=() kept=0 fails=0
	for r in $(seq "$ROUNDS"); do
		if ! res=$(measure "$2" "$3" "$4" $H2 "$5" "$6" "$COUNT"); then fails=$((fails + 1)); continue; fi
		read -r p n rcv snt <<<"$res"
		echo "  $key round $r: $p pps, $n ns CPU/pkt, received $rcv of $snt"
		pps+=("$p"); ns+=("$n")
		[ "$rcv" -ge "$snt" ] && kept=1
	done
	PPS[$key]=$(median "${pps[@]}")
	NS[$key]=$(median "${ns[@]}")
	local note=${NOTE[$key]:-}
	[ $fails -gt 0 ] && note="${note:+$note; }$fails rounds failed"
	if [ $kept = 1 ]; then
		note="${note:+$note; }gen-bound"
	elif [ -n "${ALONE[${key##*|}]:-}" ] && [ "${PPS[$key]}" != - ] \
		&& awk -v a="${PPS[$key]}" -v g="${ALONE[${key##*|}]}" 'BEGIN { exit !(a >= 0.95 * g) }'; then
		note="${note:+$note; }gen-bound"
	fi
	NOTE[$key]=$note
}

# --- the generator alone: H1 -> H2 over one veth, no forwarder. The sink's receive processing as
# in the placement's forwarded runs: local on the forwarder's CPU (RPS to it), rps on the generator's
ip -n $H1 link add g1 type veth peer name g2 netns $H2
ip -n $H1 link set g1 up; sink_port g2
ip netns exec $H1 sysctl -qw net.ipv6.conf.g1.disable_ipv6=1
for pl in $PLACEMENTS; do
	if [ "$pl" = local ]; then rps $H2 g2 "$FWD_MASK"; else rps $H2 g2 "$GEN_MASK"; fi 2>/dev/null
	echo "generator alone, $pl placement"
	g=()
	for r in $(seq "$ROUNDS"); do
		read -r p _ rcv snt <<<"$(measure end g1 "$(mac $H2 g2)" $H2 g2 - "$COUNT")"
		echo "  round $r: $p pps received, $rcv of $snt"
		g+=("$p")
	done
	ALONE[$pl]=$(median "${g[@]}")
done
ip -n $H1 link del g1

# --- kernel router RK
ip netns add $RK
ip netns exec $RK sysctl -qw net.ipv6.conf.all.forwarding=1 net.ipv6.conf.all.seg6_enabled=1 \
	net.ipv6.conf.default.seg6_enabled=1 net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
ip -n $RK link add k1 type veth peer name k1 netns $H1
ip -n $RK link add k2 type veth peer name k2 netns $H2
ip -n $RK link set k1 up; ip -n $RK link set k2 up; ip -n $H1 link set k1 up; sink_port k2
ip netns exec $H1 sysctl -qw net.ipv6.conf.k1.disable_ipv6=1
ip netns exec $RK sysctl -qw net.ipv6.conf.k1.seg6_enabled=1
ip -n $RK -6 addr add fc00:12::2/64 dev k1 nodad
ip -n $RK -6 addr add fc00:23::2/64 dev k2 nodad
ip -n $RK sr tunsrc set fc00:23::2
ip -n $RK -6 neigh add fc00:23::3 lladdr "$(mac $H2 k2)" dev k2 nud permanent
ip -n $RK -6 route add fc00:2::/64 via fc00:23::3 dev k2
ip -n $RK -6 route add fc00:100::1/128 encap seg6local action End dev k1
ip -n $RK -6 route add fc00:100::2/128 encap seg6local action End.X nh6 fc00:23::3 dev k2
ip -n $RK -6 route add fc00:3::/64 encap seg6 mode encap segs fc00:2::a,fc00:2::b dev k2
ip -n $RK -6 route add fc00:2::/64 via fc00:23::3 dev k2 table 100
ip -n $RK -6 route add fc00:100::d6/128 encap seg6local action End.DT6 table 100 dev k1
# veth delivers in the sender's context: RPS steers the router's receive processing to the
# forwarder's CPU, the core the appliance gets, so that both forwarders run there and the
# generator alone on the other one
rps $RK k1 "$FWD_MASK" 2>/dev/null
KMAC=$(mac $RK k1)
for c in $CASES; do
	check_output "kernel|$c" "$c" k1 "$KMAC" k2
	for pl in $PLACEMENTS; do NOTE["kernel|$c|$pl"]=${NOTE["kernel|$c"]:-}; done
done
for pl in $PLACEMENTS; do
	rps $H2 k2 "$(sink_mask "$pl")" 2>/dev/null
	for c in $CASES; do
		echo "kernel, $c, $pl placement"
		run_cell "kernel|$c|$pl" "$c" k1 "$KMAC" k2 softirq
	done
done
ip netns del $RK

# --- the appliance RA, started once per backend and loops
# as built: what a run left in the source home (var/, the saved configuration, deploy/) stays out
cp -a "$SRC_HOME" "$HOME_COPY" || exit 1
C() { "$HOME_COPY/bin/srv6" client "$1"; }
ready() {
	for _ in $(seq 100); do
		C "srv6:behaviors" 2>/dev/null | grep -q '^End.DT6 ' && return 0
		sleep 0.2
	done
	return 1
}
# start_appliance BACKEND LOOPS: a clean home with srv6.io and srv6.loops set, started in RA
# pinned to the forwarder's CPU, its ports a1 (host end in H1) and a2 (host end in H2) up
start_appliance() {
	local io=epoll out
	[ "$1" = tap-io_uring ] && io=io_uring
	rm -rf "$HOME_COPY/var" "$HOME_COPY"/etc/srv6.conf "$HOME_COPY"/etc/srv6.conf.* "$HOME_COPY"/etc/.srv6.conf* "$HOME_COPY"/deploy/*
	sed -i '/^srv6\.loops=/d; /^srv6\.io=/d' "$HOME_COPY/etc/srv6.properties"
	printf 'srv6.loops=%s\nsrv6.io=%s\n' "$2" "$io" >> "$HOME_COPY/etc/srv6.properties"
	ip netns add $RA
	# one loop: the forwarder's CPU; N loops: CPUs 0..N-1 (the generator shares its CPU with loop 1)
	local cpus=$FWD_CPU
	[ "$2" -gt 1 ] && cpus=0-$(($2 - 1))
	out=$(ip netns exec $RA taskset -c $cpus "$HOME_COPY/bin/srv6" start 2>&1)
	APID=$(cat "$HOME_COPY/var/srv6.pid" 2>/dev/null)
	echo "$out" | grep -q '^srv6: started' || { echo "$out" | tail -1; return 1; }
	ready || { echo "behaviors not loaded"; return 1; }
	if [ "$1" = packet ]; then
		ip -n $RA link add v1 type veth peer name a1 netns $H1 && ip -n $RA link add v2 type veth peer name a2 netns $H2 \
			&& ip netns exec $RA sysctl -qw net.ipv6.conf.v1.disable_ipv6=1 net.ipv6.conf.v2.disable_ipv6=1 \
			&& ip -n $RA link set v1 up && ip -n $RA link set v2 up \
			&& rps $RA v1 "$FWD_MASK" 2>/dev/null
		out=$(C "ip link add a1 type packet dev v1; ip link add a2 type packet dev v2" 2>&1) || { echo "$out" | tail -1; return 1; }
	else
		out=$(C "ip link add a1 type tap; ip link add a2 type tap" 2>&1) || { echo "$out" | tail -1; return 1; }
		ip -n $RA link set a1 netns $H1 && ip -n $RA link set a2 netns $H2 || { echo "TAPs not moved"; return 1; }
	fi
	ip -n $H1 link set a1 up; sink_port a2
	ip netns exec $H1 sysctl -qw net.ipv6.conf.a1.disable_ipv6=1
	out=$(C "ip link set a1 up; ip link set a2 up; ip -6 addr add fc00:12::2/64 dev a1; ip -6 addr add fc00:23::2/64 dev a2; \
ip sr tunsrc set fc00:23::2; ip -6 neigh add fc00:23::3 lladdr $(mac $H2 a2) dev a2; ip -6 route add fc00:2::/64 via fc00:23::3 dev a2" 2>&1) || { echo "$out" | tail -1; return 1; }
}
# routes of a case in the appliance
routes() {
	case $1 in
	ipv6) true ;;
	end) C "ip -6 route add fc00:100::1/128 encap seg6local action End dev a1" ;;
	endx) C "ip -6 route add fc00:100::2/128 encap seg6local action End.X nh6 fc00:23::3 dev a2" ;;
	encap) C "ip -6 route add fc00:3::/64 encap seg6 mode encap segs fc00:2::a,fc00:2::b dev a2" ;;
	dt6) C "ip -6 route add fc00:2::/64 via fc00:23::3 dev a2 table 100; ip -6 route add fc00:100::d6/128 encap seg6local action End.DT6 table 100 dev a1" ;;
	esac
}
# warm_up CASE DSTMAC: let the JIT compile the case's packet path before measuring: runs of a
# million packets until half a million were forwarded (the ports drop what the appliance does not
# read in time), 15 s at most
warm_up() {
	local got=0 end=$(( $(date +%s) + 15 )) res
	while [ $got -lt 500000 ] && [ "$(date +%s)" -lt $end ]; do
		res=$(measure "$1" a1 "$2" $H2 a2 - 1000000) || return
		got=$((got + $(echo "$res" | awk '{ print $3 }')))
	done
}
# a cell that could not run: NOTE for each case and placement
not_run() {
	local c pl
	for c in $CASES; do for pl in $PLACEMENTS; do
		NOTE["$1|$c|$pl"]=$2; PPS["$1|$c|$pl"]=-; NS["$1|$c|$pl"]=-
	done; done
}
for b in $BACKENDS; do
	for l in $LOOPS; do
		key="$b|$l"
		echo "appliance, $b, $l loops"
		# not in a subshell: APID is this shell's
		if ! start_appliance "$b" "$l" > "$WORK/start.err"; then
			echo "appliance ($b, $l loops) did not start or refused its ports: $(cat "$WORK/start.err")" >&2
			[ -f "$HOME_COPY/var/log/srv6.log" ] && tail -3 "$HOME_COPY/var/log/srv6.log" >&2
			not_run "$key" "did not start"
			stop_appliance
			continue
		fi
		AMAC=$(C "ip link show a1" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p' | head -1)
		for c in $CASES; do
			if ! err=$(routes "$c" 2>&1); then
				echo "appliance ($b, $l loops) refused the $c routes: $err" >&2
				for pl in $PLACEMENTS; do NOTE["$key|$c|$pl"]="refused: $(echo "$err" | tail -1 | cut -c1-60)"; PPS["$key|$c|$pl"]=-; NS["$key|$c|$pl"]=-; done
				continue
			fi
			warm_up "$c" "${AMAC:-ff:ff:ff:ff:ff:ff}"
			check_output "$key|$c" "$c" a1 "${AMAC:-ff:ff:ff:ff:ff:ff}" a2
			for pl in $PLACEMENTS; do NOTE["$key|$c|$pl"]=${NOTE["$key|$c"]:-}; done
		done
		if [ -n "${PROFILE:-}" ]; then
			jcmd "$APID" JFR.start name=pps settings=profile filename="$PROFILE.$b.$l.jfr" >/dev/null
		fi
		PERF_PID=
		if [ -n "${PERF:-}" ]; then
			# PERF_ALL=1: everything on the forwarder's CPU (softirqs included), not only the appliance
			if [ -n "${PERF_ALL:-}" ]; then set -- -a -C "$FWD_CPU"; else set -- -p "$APID"; fi
			perf record -g "$@" -o "$PERF.$b.$l.data" >/dev/null 2>&1 &
			PERF_PID=$!
		fi
		for pl in $PLACEMENTS; do
			rps $H2 a2 "$(sink_mask "$pl")" 2>/dev/null
			for c in $CASES; do
				case ${NOTE["$key|$c|$pl"]:-} in refused*) continue ;; esac
				echo "appliance, $b, $l loops, $c, $pl placement"
				run_cell "$key|$c|$pl" "$c" a1 "${AMAC:-ff:ff:ff:ff:ff:ff}" a2 "$APID"
			done
		done
		[ -n "${PROFILE:-}" ] && jcmd "$APID" JFR.stop name=pps >/dev/null
		[ -n "$PERF_PID" ] && { kill -INT "$PERF_PID"; wait "$PERF_PID"; }
		[ -n "${STATS:-}" ] && { echo "srv6:stats after $b, $l loops:"; C "srv6:stats"; }
		stop_appliance
	done
done

# --- the table
table() {
	echo "COUNT=$COUNT packets per measurement, median of $ROUNDS rounds; forwarder on CPU $FWD_CPU, generator on CPU $GEN_CPU ($(nproc) CPUs, $(uname -r))"
	for pl in $PLACEMENTS; do echo "generator alone ($pl): ${ALONE[$pl]:--} pps"; done
	echo
	echo "| case | placement | backend | loops | pps (median) | ns CPU/pkt | kernel pps | ratio | note |"
	echo "|---|---|---|---|---|---|---|---|---|"
	for c in $CASES; do
		for pl in $PLACEMENTS; do
			k=${PPS["kernel|$c|$pl"]:--}
			echo "| $c | $pl | kernel | - | $k | ${NS["kernel|$c|$pl"]:--} | - | - | softirq CPU $FWD_CPU${NOTE["kernel|$c|$pl"]:+; ${NOTE["kernel|$c|$pl"]}} |"
			for b in $BACKENDS; do
				for l in $LOOPS; do
					key="$b|$l|$c|$pl"
					a=${PPS[$key]:--}
					ratio=$(awk -v a="$a" -v k="$k" 'BEGIN { if (a == "-" || k == "-" || k == 0) print "-"; else printf "%.2f\n", a / k }')
					echo "| $c | $pl | $b | $l | $a | ${NS[$key]:--} | $k | $ratio | ${NOTE[$key]:-} |"
				done
			done
		done
	done
}
echo
if [ -n "$OUT" ]; then table | tee "$OUT"; else table; fi
