#!/usr/bin/env bash
# tls-compare.sh: run testssl.sh and Vigie's TLS prober on the same local
# servers and print, per server, both tools' verdicts on protocols, cipher
# classes and certificate flaws side by side, with both wall times.
#
# Needs (Debian packages): openssl, nginx, testssl.sh, jq; and Go.
# Vigie runs through `vigie tls` when VIGIE (default /tmp/vigie) has that
# verb, otherwise through the tlsprobe package's TestProbeTarget.
# Only loopback addresses are used. Usage: bench/tls-compare.sh [server...]
set -euo pipefail

cd "$(dirname "$0")/.."
for bin in openssl nginx testssl jq go; do
	command -v "$bin" >/dev/null || { echo "tls-compare: $bin is missing" >&2; exit 2; }
done

work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# A throwaway CA and certificates for localhost.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
	-subj "/CN=Vigie bench CA" -keyout "$work/ca.key" -out "$work/ca.pem" 2>/dev/null
leaf() { # name keyspec digest
	openssl req -newkey "$2" -nodes -subj "/CN=localhost" -keyout "$work/$1.key" -out "$work/$1.csr" 2>/dev/null
	openssl x509 -req -in "$work/$1.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
		-days 60 "-$3" -extfile <(printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n') \
		-out "$work/$1.pem" 2>/dev/null
}
leaf rsa rsa:2048 sha256
leaf ec ec:<(openssl ecparam -name prime256v1) sha256
openssl req -x509 -sha1 -newkey rsa:1024 -nodes -days 10 -subj "/CN=localhost" \
	-addext subjectAltName=DNS:localhost -keyout "$work/weak.key" -out "$work/weak.pem" 2>/dev/null

port=$((20000 + RANDOM % 20000))
declare -A ports
server() { # name command...
	local name=$1; shift
	ports[$name]=$port
	"$@" >"$work/$name.log" 2>&1 &
	pids+=($!)
	port=$((port + 1))
}
s_server() { # name port args...
	local name=$1; shift
	server "$name" openssl s_server -accept "127.0.0.1:$port" -www -quiet "$@"
}
s_server openssl-legacy -cert "$work/rsa.pem" -key "$work/rsa.key" -cipher 'ALL:eNULL:@SECLEVEL=0'
s_server openssl-tls13 -cert "$work/ec.pem" -key "$work/ec.key" -tls1_3
s_server openssl-weakcert -cert "$work/weak.pem" -key "$work/weak.key" -cipher 'ALL:@SECLEVEL=0' -no_tls1_3 -serverpref
ports[nginx-legacy]=$port
ports[nginx-strong]=$((port + 1))
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<EOF
daemon off;
master_process off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events {}
http {
	access_log off;
	client_body_temp_path $work/nginx/body;
	proxy_temp_path $work/nginx/proxy;
	fastcgi_temp_path $work/nginx/fastcgi;
	uwsgi_temp_path $work/nginx/uwsgi;
	scgi_temp_path $work/nginx/scgi;
	server {
		listen 127.0.0.1:${ports[nginx-legacy]} ssl;
		ssl_certificate $work/rsa.pem;
		ssl_certificate_key $work/rsa.key;
		ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
		ssl_ciphers ALL:@SECLEVEL=0;
		ssl_prefer_server_ciphers on;
		return 200 "legacy\n";
	}
	server {
		listen 127.0.0.1:${ports[nginx-strong]} ssl;
		ssl_certificate $work/ec.pem;
		ssl_certificate_key $work/ec.key;
		ssl_protocols TLSv1.2 TLSv1.3;
		ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305;
		ssl_ecdh_curve X25519:prime256v1:secp384r1;
		return 200 "strong\n";
	}
}
EOF
nginx -e "$work/nginx/error.log" -p "$work/nginx" -c "$work/nginx/nginx.conf" >"$work/nginx.log" 2>&1 &
pids+=($!)
sleep 1

# Vigie: `vigie tls`, built from this checkout.
VIGIE="$work/vigie"
go build -o "$VIGIE" ./cmd/vigie
vigie_json() { "$VIGIE" tls --ca-cert "$work/ca.pem" --format json "$1"; }

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l | xargs printf '%.2f'; }

# Vigie's suites, sorted into testssl.sh 3.0's standard cipher categories
# (its run_std_cipherlists: NULL, anonymous, export, LOW = 64-bit, DES,
# RC2, RC4, 3DES/IDEA, AVERAGE = other CBC, STRONG = AEAD).
vigie_categories='
  [.protocols[]?.suites[]?] as $s |
  {
    NULL:        ([$s[] | select(.cipher == "NULL")] | length > 0),
    aNULL:       ([$s[] | select(.auth == "anon")] | length > 0),
    EXPORT:      ([$s[] | select((.name | test("EXPORT")) and .auth != "anon" and .cipher != "NULL")] | length > 0),
    LOW:         ([$s[] | select((.cipher | test("^(RC4|RC2|DES_|DES40)")) and .auth != "anon" and (.name | test("EXPORT") | not))] | length > 0),
    "3DES_IDEA": ([$s[] | select((.cipher | test("^(3DES|IDEA)")) and .auth != "anon")] | length > 0),
    AVERAGE:     ([$s[] | select(.aead == false and .auth != "anon" and (.cipher | test("CBC")) and (.cipher | test("^(3DES|IDEA|DES|RC2)") | not))] | length > 0),
    STRONG:      ([$s[] | select(.aead and .auth != "anon")] | length > 0)
  }'

row() { printf '  %-22s %-44s %s\n' "$1" "$2" "$3"; }
yn() { if [ "$1" = true ]; then echo offered; else echo "not offered"; fi; }

total_t=0
total_v=0
servers=("$@")
[ ${#servers[@]} -gt 0 ] || servers=(openssl-legacy openssl-tls13 openssl-weakcert nginx-legacy nginx-strong)
for name in "${servers[@]}"; do
	target="localhost:${ports[$name]}"
	t0=$(now)
	testssl --quiet --color 0 --warnings off -p -s -E -S --add-ca "$work/ca.pem" \
		--jsonfile "$work/$name.testssl.json" "$target" >"$work/$name.testssl.txt" 2>&1 || true
	t1=$(now)
	vigie_json "$target" >"$work/$name.vigie.json"
	t2=$(now)
	T="$work/$name.testssl.json"
	V="$work/$name.vigie.json"
	tt=$(elapsed "$t0" "$t1")
	tv=$(elapsed "$t1" "$t2")
	total_t=$(echo "$total_t + $tt" | bc -l)
	total_v=$(echo "$total_v + $tv" | bc -l)

	echo "== $name ($target)"
	row "" "testssl.sh" "vigie"
	row "protocols" \
		"$(jq -r '[.[] | select((.id | test("^(SSLv3|TLS1(_[123])?)$")) and (.finding | startswith("offered"))) | .id] | join(" ")' "$T")" \
		"$(jq -r '[.protocols[] | select(.accepted) | .version] | join(", ")' "$V")"
	for p in ssl3:"SSL 3.0" tls1:"TLS 1.0" tls1_1:"TLS 1.1" tls1_2:"TLS 1.2" tls1_3:"TLS 1.3"; do
		id=${p%%:*} version=${p#*:}
		nt=$(jq --arg re "^cipher-${id}_x" '[.[] | select(.id | test($re))] | length' "$T")
		nv=$(jq --arg v "$version" '[.protocols[] | select(.version == $v) | .suites[]?] | length' "$V")
		[ "$nt$nv" = 00 ] || row "suites $version" "$nt" "$nv"
	done
	for cat in NULL aNULL EXPORT LOW 3DES_IDEA AVERAGE STRONG; do
		ft=$(jq -r --arg id "cipherlist_$cat" '[.[] | select(.id == $id) | .finding][0] // "?"' "$T")
		fv=$(yn "$(jq -r "$vigie_categories | .\"$cat\"" "$V")")
		row "$cat" "$ft" "$fv"
	done
	row "cert chain of trust" "$(jq -r '[.[] | select(.id | startswith("cert_chain_of_trust")) | .finding][0] // "?"' "$T" | cut -c1-44)" \
		"$(jq -r '.certificate | if .trusted then "trusted" else "not trusted: " + (.verify_error // "") end' "$V" | cut -c1-60)"
	row "cert expiry" "$(jq -r '[.[] | select(.id | startswith("cert_expirationStatus")) | .finding][0] // "?"' "$T")" \
		"$(jq -r '.certificate | "\(.days_left) days left" + (if .expired then ", expired" else "" end)' "$V")"
	row "cert signature" "$(jq -r '[.[] | select(.id | startswith("cert_signatureAlgorithm")) | .finding][0] // "?"' "$T")" \
		"$(jq -r '.certificate.signature_algorithm' "$V")"
	row "cert key" "$(jq -r '[.[] | select(.id | startswith("cert_keySize")) | .finding][0] // "?"' "$T")" \
		"$(jq -r '.certificate | "\(.key_type) \(.key_bits) bits"' "$V")"
	row "cert hostname" "$(jq -r '[.[] | select(.id | startswith("cert_trust")) | .finding][0] // "?"' "$T" | cut -c1-44)" \
		"$(jq -r '.certificate | if .hostname_match then "matches" else "mismatch" end' "$V")"
	row "profiles" "" "$(jq -r '[.profiles[]? | "\(.name): \(if .compliant then "ok" else "\(.deviations | length) dev." end)"] | join("; ")' "$V")"
	row "wall time (s)" "$tt" "$tv  ($(jq .handshakes "$V") handshakes)"
	echo
done
printf 'total wall time: testssl.sh %.2f s, vigie %.2f s, ratio %.0fx\n' "$total_t" "$total_v" "$(echo "$total_t / $total_v" | bc -l)"
