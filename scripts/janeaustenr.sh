#!/usr/bin/env bash
# Puts Jane Austen's novels (Debian's r-cran-janeaustenr, the OOD text corpus) where
# libs/datasets looks for them: the .deb is fetched with `apt-get download` and unpacked with
# `dpkg-deb -x` into the cache, because installing it would pull in R. The R data inside is decoded
# by libs/datasets at load time. Idempotent; prints the data directory.
set -euo pipefail
dest="${XDG_CACHE_HOME:-$HOME/.cache}/slab/janeaustenr"
data="$dest/usr/lib/R/site-library/janeaustenr/data"
if [ ! -f "$data/Rdata.rdb" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  # apt-get download needs package lists; refresh them once if the first try finds nothing.
  (cd "$tmp" && apt-get download -qq r-cran-janeaustenr 2>/dev/null) ||
    { as_root apt-get update -qq && (cd "$tmp" && apt-get download -qq r-cran-janeaustenr); }
  mkdir -p "$dest"
  dpkg-deb -x "$tmp"/r-cran-janeaustenr_*.deb "$dest"
fi
[ -f "$data/Rdata.rdb" ] || { echo "r-cran-janeaustenr unpacked but $data/Rdata.rdb is missing" >&2; exit 1; }
echo "$data"
