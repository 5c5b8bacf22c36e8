#!/usr/bin/env bash
# What teams write today: refresh FortiCNP access tokens with redis-cli, curl and jq.
# Usage: REDIS_PORT=6379 BASE_URL=http://127.0.0.1:8080 shell-rotate.sh ACCOUNT...
# For each account: read the refresh token from the refresh hash, call Get Refresh Token, write
# the access hash (access_token, token_type, expires_at in epoch ms) with its Redis expiry, in the
# layout of docs/store-redis.md. It does NOT take a lease, compare versions, retry, check expiry,
# log in again, or update the refresh hash (see docs/benchmarks-rotate.md). Exit 1 if any failed.
set -uo pipefail
: "${REDIS_PORT:?REDIS_PORT is not set}" "${BASE_URL:?BASE_URL is not set}"
prefix="${CNP_REDIS_KEY_PREFIX:-cnp}"
failed=0
for account in "$@"; do
  refresh_token=$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" HGET "$prefix:{$account}:refresh" refresh_token)
  if [ -z "$refresh_token" ]; then
    echo "$account: no refresh token" >&2; failed=$((failed + 1)); continue
  fi
  if ! response=$(curl -sS --fail --max-time 30 -X POST \
      -H 'Content-Type: application/x-www-form-urlencoded' \
      --data-urlencode grant_type=refresh_token --data-urlencode "refresh_token=$refresh_token" \
      "$BASE_URL/api/v1/auth/token/refresh"); then
    echo "$account: refresh failed" >&2; failed=$((failed + 1)); continue
  fi
  # "expires" is epoch milliseconds, usually written 1.585002361532E12
  if ! IFS=$'\t' read -r access_token expires_at < <(jq -er '[.access_token, (.expires | tonumber | floor)] | @tsv' <<<"$response"); then
    echo "$account: unexpected response" >&2; failed=$((failed + 1)); continue
  fi
  key="$prefix:{$account}:access"
  if ! printf 'HSET %s access_token %s token_type bearer expires_at %s\nPEXPIREAT %s %s\n' \
      "$key" "$access_token" "$expires_at" "$key" "$expires_at" \
      | redis-cli -h 127.0.0.1 -p "$REDIS_PORT" >/dev/null; then
    echo "$account: write failed" >&2; failed=$((failed + 1)); continue
  fi
done
if [ "$failed" -gt 0 ]; then
  echo "shell-rotate: $failed of $# accounts failed" >&2
  exit 1
fi
