#!/bin/bash
# The images' HEALTHCHECK: GET http://127.0.0.1:PORT/PATH and succeed on a 200, with bash alone
# (the images carry no curl). PORT defaults to the service's LONGWATCH_METRICS_PORT, else
# LONGWATCH_HTTP_PORT; PATH to /healthz.
port=${1:-${LONGWATCH_METRICS_PORT:-${LONGWATCH_HTTP_PORT:-8080}}}
path=${2:-/healthz}
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&3
IFS= read -r -t 5 status <&3 || exit 1
[[ $status == HTTP/1.?" 200 "* ]]
