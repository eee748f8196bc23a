# Shell helpers for the install scripts (sourced, not run): fail, quietly, as_root, apt_install.
# The sourcing script sets INSTALLER (its name, for messages). Output of quiet commands goes to
# $LOG and is shown only when something fails.

LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

fail() {
    echo "${INSTALLER:-install}: $*" >&2
    if [ -s "$LOG" ]; then
        echo "---- last output:" >&2
        tail -n 30 "$LOG" >&2
    fi
    exit 1
}

quietly() {
    # Run a command with its chatter kept in $LOG (shown only when something fails).
    "$@" >>"$LOG" 2>&1
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    else
        sudo -n "$@"
    fi
}

apt_install() {
    # Refresh the package lists only when they do not know the package (a fresh machine), or
    # when an install from stale lists fails (the mirror dropped that version).
    local package=$1 policy updated=0
    policy=$(apt-cache policy "$package" 2>/dev/null || true)
    if [[ "$policy" != *"Candidate: "[0-9]* ]]; then
        quietly as_root apt-get update -q || fail "apt-get update failed"
        updated=1
    fi
    if ! quietly as_root env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -q --no-install-recommends "$package"; then
        [ "$updated" -eq 1 ] || quietly as_root apt-get update -q || fail "apt-get update failed"
        quietly as_root env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -q --no-install-recommends "$package" \
            || fail "could not install the Debian package '$package' with apt-get"
    fi
}

