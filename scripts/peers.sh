#!/usr/bin/env bash
# The Debian tools the tests run for real (the "peers"): socat (pty pairs), tshark (captures), dnsmasq
# and in.tftpd (real DHCP and TFTP servers), curl (a TFTP client), tmux (the terminal panel) and
# chromium (the web panel, headless).
#
#   scripts/peers.sh --check             exit 0 when all are there; else one line naming what is missing
#                                        and how to install it, exit 3 (npm test runs this first)
#   scripts/peers.sh --install           install the missing ones with apt-get (as root, or through sudo)
#   scripts/peers.sh --install --dry-run print the apt-get line it would run, run nothing
#
# `npm run peers` is `scripts/peers.sh --install`; the README's test command and .ci/run use it.
# HOTDESK_PEERS_SBIN (default "/usr/sbin /sbin /usr/local/sbin"): where an installed tool missing from
# PATH may be found, and HOTDESK_POLICY_RC (default /usr/sbin/policy-rc.d) the guard that keeps packages
# from starting services: test/scripts/peers.test.ts sets them.
set -euo pipefail

# tool:package, in the order the message names them
PEERS="socat:socat tshark:tshark dnsmasq:dnsmasq-base in.tftpd:tftpd-hpa curl:curl tmux:tmux chromium:chromium"

mode=check
dry_run=
for arg in "$@"; do
  case "$arg" in
    --check) mode=check ;;
    --install) mode=install ;;
    --dry-run) dry_run=1 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "scripts/peers.sh: unknown option $arg (--check, --install, --dry-run)" >&2; exit 2 ;;
  esac
done

# The tools as the tests find them: on PATH (spawn('dnsmasq') looks nowhere else).
missing_tools=()
missing_packages=()
off_path=()
for peer in $PEERS; do
  tool=${peer%%:*}
  package=${peer#*:}
  command -v "$tool" >/dev/null 2>&1 && continue
  # installed in an sbin directory a non-root PATH leaves out: installing again would not help
  for dir in ${HOTDESK_PEERS_SBIN-/usr/sbin /sbin /usr/local/sbin}; do
    if [ -x "$dir/$tool" ]; then off_path+=("$dir/$tool"); continue 2; fi
  done
  missing_tools+=("$tool")
  missing_packages+=("$package")
done

if [ ${#off_path[@]} -gt 0 ]; then
  dirs=$(for p in "${off_path[@]}"; do dirname "$p"; done | sort -u | paste -sd: -)
  echo "hotdesk tests: ${off_path[*]} installed but not on PATH: add $dirs to PATH (export PATH=\$PATH:$dirs)" >&2
  [ "$mode" = check ] && exit 3
fi

if [ ${#missing_tools[@]} -eq 0 ]; then
  if [ "$mode" = install ]; then
    [ ${#off_path[@]} -gt 0 ] && exit 3
    echo "hotdesk tests: the peer tools are all installed ($(for p in $PEERS; do printf '%s ' "${p%%:*}"; done | sed 's/ $//'))"
  fi
  exit 0
fi

if [ "$mode" = check ]; then
  if [ ${#missing_tools[@]} -eq 1 ]; then what="${missing_tools[0]} is missing"; it=it; else what="${missing_tools[*]} are missing"; it=them; fi
  echo "hotdesk tests: $what — install $it with: apt-get install ${missing_packages[*]} (or run: npm run peers)" >&2
  exit 3
fi

# --install: as root, or through sudo
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "hotdesk tests: installing ${missing_packages[*]} needs root: run as root, or install sudo" >&2
    exit 3
  fi
  sudo=(sudo)
fi

if [ -n "$dry_run" ]; then
  echo "${sudo[*]:+${sudo[*]} }apt-get install -y ${missing_packages[*]}"
  exit 0
fi

echo "hotdesk tests: installing ${missing_packages[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
# tshark asks whether non-root users may capture; answer no without a prompt
echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo[@]}" debconf-set-selections
# no package may start a system service (tftpd-hpa would bind port 69): the tests run their own daemons
guard=${HOTDESK_POLICY_RC:-/usr/sbin/policy-rc.d}
if [ ! -e "$guard" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$guard" >/dev/null
  "${sudo[@]}" chmod +x "$guard"
  trap '"${sudo[@]}" rm -f "$guard"' EXIT
fi
# another apt (an unattended upgrade) may hold the lock for a while: wait for it rather than fail
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${missing_packages[@]}" >/dev/null

# what the packages gave must now be where the tests look (not exec: the guard's trap must still run)
"$BASH" "$0" --check
