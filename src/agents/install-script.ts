/**
 * The agent install script a host runs (`curl -fsSL <install_script_url> | STRATUS_AGENT_TOKEN=... sh`):
 * plain POSIX sh that needs only Node.js and curl or wget. It downloads the single-file agent
 * bundle into a folder and runs it in the foreground. The token comes from the environment only,
 * so it never appears in a URL, a log line or the process list.
 */

export interface InstallScriptUrls {
  /** The manager's REST base URL. */
  manager: string;
  /** The WebSocket URL the agent connects to. */
  ws: string;
  /** Where the bundle is downloaded from. */
  package: string;
}

/** Single-quotes a value for sh. */
function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function installScript(urls: InstallScriptUrls): string {
  return `#!/bin/sh
# Stratus agent installer: downloads the single-file agent from the manager and runs it in the
# foreground. Needs Node.js >= 18 and curl or wget. Usage:
#   curl -fsSL <this URL> | STRATUS_AGENT_TOKEN=sagt-... sh
# STRATUS_AGENT_DIR (default ~/.stratus-agent) holds the agent and its state; extra agent options
# (e.g. --ca FILE, --proxy URL) may follow: ... | STRATUS_AGENT_TOKEN=... sh -s -- --ca /etc/ca.pem
set -eu
MANAGER_URL=${quote(urls.manager)}
WS_URL=${quote(urls.ws)}
PACKAGE_URL=${quote(urls.package)}
DIR="\${STRATUS_AGENT_DIR:-\${HOME:-/root}/.stratus-agent}"

fail() { echo "stratus agent install: $*" >&2; exit 1; }
[ -n "\${STRATUS_AGENT_TOKEN:-}" ] || fail "set STRATUS_AGENT_TOKEN (stratus agents install-command prints the whole line)"
command -v node >/dev/null 2>&1 || fail "Node.js is required on this host (node was not found on PATH)"
mkdir -p "$DIR"
chmod 700 "$DIR"
if command -v curl >/dev/null 2>&1; then
  curl -fsSL -o "$DIR/agent.js.part" "$PACKAGE_URL" || fail "cannot download the agent from $PACKAGE_URL"
elif command -v wget >/dev/null 2>&1; then
  wget -q -O "$DIR/agent.js.part" "$PACKAGE_URL" || fail "cannot download the agent from $PACKAGE_URL"
else
  fail "curl or wget is required to download the agent"
fi
mv "$DIR/agent.js.part" "$DIR/agent.js"
echo "stratus agent: starting (manager $MANAGER_URL)" >&2
exec node "$DIR/agent.js" --ws-url "$WS_URL" --data-dir "$DIR" "$@" </dev/null
`;
}
