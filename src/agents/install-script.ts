/**
 * The agent install script a host runs (`curl -fsSL <install_script_url> | STRATUS_AGENT_TOKEN=... sh`):
 * plain POSIX sh that needs only Node.js and curl or wget. It downloads the single-file agent
 * bundle into a folder and runs it in the foreground. The token comes from the environment only,
 * so it never appears in a URL, a log line or the process list.
 */

/** Where the manager serves the single-file agent (GET, no credentials). */
export const AGENT_PACKAGE_PATH = '/api/v3.1/agents/package';

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

/** Where install_method `init_script` puts the host's user data: `runtime_properties.cloudify_agent.install_script`. */
export const INIT_SCRIPT_PROPERTY = 'cloudify_agent';
export const INIT_SCRIPT_KEY = 'install_script';
const HEREDOC_END = 'STRATUS_AGENT_INSTALL_SCRIPT_END';

/**
 * The cloud-init user data of a host with install_method `init_script`: it holds the host's agent
 * token (that is its purpose: the VM has no other way to get it), writes the served install script
 * (installScript, the same text) into the agent folder and runs it in the background with the
 * token in its environment, so cloud-init finishes while the agent keeps running. The token is
 * never written to disk by it (only this user data holds it) and the agent's output goes to
 * `$STRATUS_AGENT_DIR/agent.log`.
 */
export function initScript(urls: InstallScriptUrls, token: string, hostId: string): string {
  const install = installScript(urls);
  if (install.includes(HEREDOC_END)) throw new Error('The install script must not contain its heredoc delimiter');
  return `#!/bin/sh
# Stratus agent user data (cloud-init) for host ${hostId.replace(/[^\w.-]/g, '_')}: installs the agent
# from ${urls.manager.replace(/\s/g, '')} and starts it in the background.
# It holds this host's agent token: treat it as a secret.
set -eu
STRATUS_AGENT_TOKEN=${quote(token)}
export STRATUS_AGENT_TOKEN
STRATUS_AGENT_DIR="\${STRATUS_AGENT_DIR:-\${HOME:-/root}/.stratus-agent}"
export STRATUS_AGENT_DIR
umask 077
mkdir -p "$STRATUS_AGENT_DIR"
chmod 700 "$STRATUS_AGENT_DIR"
cat > "$STRATUS_AGENT_DIR/install.sh" <<'${HEREDOC_END}'
${install}${HEREDOC_END}
nohup sh "$STRATUS_AGENT_DIR/install.sh" >>"$STRATUS_AGENT_DIR/agent.log" 2>&1 </dev/null &
echo "stratus agent: installing and starting in the background (log: $STRATUS_AGENT_DIR/agent.log)" >&2
`;
}
