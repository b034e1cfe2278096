#!/usr/bin/env bash
# The bench's yardstick: the script an instructor would write to grade the same checks by
# hand, with the docker CLI and `docker exec` into the students' own containers, one
# command after another. It prints "exercise passed/total" lines and exits 1 if any check
# failed. Its traffic stays between the students' containers: a way out is judged from the
# configuration (every network of the container internal), as nothing may be sent off the
# host, which makes it cheaper than the ping to the internet an instructor would write.
#   bench/naive.sh [EXERCISE...]   (all six by default)
set -uo pipefail
passed=0 total=0 failed=0
check() { # check DESCRIPTION COMMAND...
  total=$((total + 1))
  if "${@:2}" >/dev/null 2>&1; then passed=$((passed + 1)); else failed=1; echo "  FAIL $1" >&2; fi
}
done_exercise() { echo "$1 $passed/$total"; passed=0 total=0; }
is() { [ "$1" = "$2" ]; }
has() { grep -qE -- "$2" <<<"$1"; }
all_internal() { # all_internal CONTAINER
  local n
  for n in $(docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' "$1"); do
    [ "$(docker network inspect -f '{{.Internal}}' "$n")" = true ] || return 1
  done
}

internal_network() {
  local net app db
  net=$(docker network inspect -f '{{.Driver}} {{.Internal}}' secure-network 2>/dev/null)
  check network-exists test -n "$net"
  check network-driver is "${net%% *}" bridge
  check network-internal is "${net##* }" true
  for c in secure-app secure-db; do
    local state
    state=$(docker inspect -f '{{.State.Running}} {{range $k, $v := .NetworkSettings.Networks}}{{$k}},{{end}}' "$c" 2>/dev/null)
    check "$c-running" is "${state%% *}" true
    check "$c-attached" has "$state" 'secure-network,'
    check "$c-only-internal" is "${state#* }" 'secure-network,'
    check "$c-isolated" all_internal "$c"
  done
  app=secure-app db=secure-db
  check db-resolves docker exec "$app" nslookup "$db"
  check db-answers docker exec "$app" ping -c 1 -W 1 "$db"
  done_exercise internal-network
}

fixed_ip() {
  local net state
  net=$(docker network inspect -f '{{.Driver}} {{range .IPAM.Config}}{{.Subnet}} {{.IPRange}} {{.Gateway}}{{end}}' custom-network 2>/dev/null)
  check network-exists test -n "$net"
  check network-driver is "${net%% *}" bridge
  check network-subnet has "$net" ' 172\.20\.0\.0/16 '
  check network-ip-range has "$net" ' 172\.20\.240\.0/20 '
  check network-gateway has "$net" ' 172\.20\.0\.1$'
  state=$(docker inspect -f '{{.State.Running}} {{with index .NetworkSettings.Networks "custom-network"}}{{with .IPAMConfig}}{{.IPv4Address}}{{end}}{{end}}' fixed-ip-app 2>/dev/null)
  check static-ip is "$state" 'true 172.20.0.10'
  check address-in-namespace has "$(docker exec fixed-ip-app ip -4 addr show)" 'inet 172\.20\.0\.10/16 '
  check answers docker run --rm --network custom-network "${IMAGE:-docknet-fixture:1}" ping -c 1 -W 1 172.20.0.10
  done_exercise fixed-ip
}

alias_dns() {
  local aliases
  check network-exists docker network inspect my-network
  aliases=$(docker ps -q --filter network=my-network | xargs -r docker inspect -f '{{.Name}} {{with index .NetworkSettings.Networks "my-network"}}{{.Aliases}}{{end}}')
  check web-alias has "$aliases" '[[ ]web[] ]'
  check api-alias has "$aliases" '[[ ]api[] ]'
  for name in web api; do
    local from expected got
    from=$(awk -v n="$name" '$0 ~ "[[ ]" n "[] ]" { sub("^/", "", $1); print $1; exit }' <<<"$aliases")
    expected=$(docker inspect -f '{{with index .NetworkSettings.Networks "my-network"}}{{.IPAddress}}{{end}}' "$from" 2>/dev/null)
    got=$(docker exec "$from" nslookup "$name" 2>/dev/null | awk '/^Name:/ { on = 1 } on && /^Address/ { print $NF }')
    check "$name-resolves" is "$got" "$expected"
  done
  done_exercise alias-dns
}

docker_user_firewall() {
  local rules
  rules=$(iptables -S DOCKER-USER)
  check rules-take-effect has "$rules" '-j DROP'
  check allows-http has "$rules" '--dport 80 -j ACCEPT'
  check allows-https has "$rules" '--dport 443 -j ACCEPT'
  check drops-other-tcp has "$rules" '^-A DOCKER-USER( -i [^ ]+)? -j DROP$'
  check drops-udp bash -c '! grep -q -- "-p udp.*-j ACCEPT" <<<"$0"' "$rules"
  check drops-icmp bash -c '! grep -q -- "-p icmp.*-j ACCEPT" <<<"$0"' "$rules"
  check allows-established has "$rules" 'ESTABLISHED'
  done_exercise docker-user-firewall
}

port_publishing() {
  local web
  web=$(docker port pp-web 80/tcp 2>/dev/null)
  check loopback-published has "$web" '^127\.0\.0\.1:8080$'
  check loopback-connects timeout 1 bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080'
  check loopback-only is "$web" 127.0.0.1:8080
  check range-published is "$(docker port pp-range 2>/dev/null | grep -cE '^80(0[0-9]|10)/tcp -> 0\.0\.0\.0:80(0[0-9]|10)$')" 11
  check udp-published has "$(docker port pp-dns 53/udp 2>/dev/null)" ':53$'
  done_exercise port-publishing
}

multi_network() {
  local n c from to
  for n in frontend backend management; do
    check "$n-network" is "$(docker network inspect -f '{{.Driver}}' "$n" 2>/dev/null)" bridge
  done
  declare -A want=([web]='frontend' [lb]='backend frontend' [api]='backend' [db]='backend' [cache]='backend'
    [monitoring]='backend frontend management' [logging]='management')
  for c in "${!want[@]}"; do
    local on
    on=$(docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' "$c" 2>/dev/null)
    check "$c-attached" has "$on" "${want[$c]%% *}"
    check "$c-networks" is "${on% }" "${want[$c]}"
  done
  address() { docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' "$1" | awk '{ print $1 }'; }
  for pair in lb:web lb:api api:db api:cache monitoring:web monitoring:api monitoring:db monitoring:logging; do
    check "${pair/:/-reaches-}" docker exec "${pair%%:*}" ping -c 1 -W 1 "${pair#*:}"
  done
  # by address: a name the embedded DNS does not know would be asked upstream
  for pair in web:api web:db web:cache db:web cache:web web:logging; do
    from=${pair%%:*} to=${pair#*:}
    check "$from-cannot-reach-$to" bash -c '! docker exec "$0" ping -c 1 -W 1 "$1"' "$from" "$(address "$to")"
  done
  done_exercise multi-network
}

[ $# -gt 0 ] || set -- internal-network fixed-ip alias-dns docker-user-firewall port-publishing multi-network
for exercise; do
  case $exercise in
    internal-network) internal_network ;;
    fixed-ip) fixed_ip ;;
    alias-dns) alias_dns ;;
    docker-user-firewall) docker_user_firewall ;;
    port-publishing) port_publishing ;;
    multi-network) multi_network ;;
    *) echo "naive: unknown exercise $exercise" >&2; exit 2 ;;
  esac
done
exit $failed
