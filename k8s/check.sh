#!/usr/bin/env bash
# Checks the Kubernetes manifests without a cluster. For every overlay under k8s/overlays/:
#   - it renders (`kubectl kustomize`, or `kustomize build`);
#   - no Secret object is rendered (Secrets are referenced, never defined in git), no secret-looking
#     environment variable has an inline value, no ConfigMap key looks like a secret;
#   - the Deployment has at least 2 replicas and readOnlyRootFilesystem: true (and never false),
#     the HPA keeps at least 2 replicas, and the expected kinds are all there;
#   - the databases: an overlay that brings PostgreSQL brings both Clusters the Deployment reads,
#     samtale-db and the key vault samtale-keys (prod must). Where the key vault is backed up (prod
#     must be) its ObjectStore keeps at most 7 days, shares neither bucket path nor credentials
#     Secret with another ObjectStore, and a ScheduledBackup makes its base backups: a destroyed
#     conversation key must leave every backup within days, and one restore must never bring back
#     both the main database and its keys.
# Without kubectl or kustomize it says so and falls back to a structural check with python3 +
# PyYAML (every file a kustomization.yaml references exists and parses; every manifest has
# apiVersion, kind and metadata.name; the same Secret/replica/read-only rules on the sources).
# With neither it fails: it never passes without having checked.
#
# Usage: k8s/check.sh            (K8S_CHECK_RENDERER=kubectl|kustomize|none forces a path)
set -euo pipefail
cd "$(dirname "$0")"

fail() {
  echo "k8s/check.sh: FAIL: $*" >&2
  exit 1
}

renderer=${K8S_CHECK_RENDERER:-auto}
if [ "$renderer" = auto ]; then
  if command -v kubectl >/dev/null 2>&1; then
    renderer=kubectl
  elif command -v kustomize >/dev/null 2>&1; then
    renderer=kustomize
  else
    renderer=none
  fi
fi

overlays=()
for d in overlays/*/; do
  if [ -f "$d/kustomization.yaml" ]; then overlays+=("${d%/}"); fi
done
[ ${#overlays[@]} -gt 0 ] || fail "no overlays with a kustomization.yaml under k8s/overlays"

# Kinds every overlay must render; prod must also bring its database.
required_kinds="ServiceAccount ConfigMap Deployment Service Ingress HorizontalPodAutoscaler PodDisruptionBudget NetworkPolicy"
# The CloudNativePG Clusters the Deployment reads (Secrets <name>-app): the main database and the
# key vault. The key vault's backups may be kept this many days at most (see
# overlays/prod/cnpg-keys-cluster.yaml for why).
main_db=samtale-db
key_vault=samtale-keys
key_vault_max_backup_days=7
export main_db key_vault key_vault_max_backup_days

# Checks one rendered multi-document YAML stream (kustomize's output: keys sorted, documents
# separated by ---, two-space indentation). Prints a one-line summary of the kinds.
check_rendered() {
  local overlay=$1 file=$2 required=$required_kinds prod=0
  [ "$(basename "$overlay")" = prod ] && required="$required Cluster" && prod=1
  awk -v overlay="$overlay" -v required="$required" -v prod="$prod" -v main_db="$main_db" \
    -v key_vault="$key_vault" -v max_days="$key_vault_max_backup_days" '
    # a Barman retention policy ("7d", "2w", "1m") in days, months counted as 31; -1 if unreadable
    function days(r,   n, u) {
      gsub(/["\047]/, "", r)
      if (r !~ /^[0-9]+[dwm]$/) return -1
      n = substr(r, 1, length(r) - 1) + 0; u = substr(r, length(r))
      return n * (u == "d" ? 1 : u == "w" ? 7 : 31)
    }
    function flush() {
      if (kind != "") {
        kinds[kind]++
        total++
        if (kind == "Secret") err = err "\n  a Secret object is rendered (" name "): reference Secrets, never define them"
        if (kind == "Deployment") {
          if (replicas < 2) err = err "\n  Deployment " name " has replicas " (replicas < 0 ? "unset" : replicas) ", needs >= 2"
          if (ro_true == 0 || ro_false > 0) err = err "\n  Deployment " name ": every container needs readOnlyRootFilesystem: true"
        }
        if (kind == "HorizontalPodAutoscaler" && minrep < 2) err = err "\n  HPA " name " minReplicas " minrep ", needs >= 2"
        if (kind == "ConfigMap" && secretkeys != "") err = err "\n  ConfigMap " name " has secret-looking keys:" secretkeys
        if (kind == "Cluster") { clusters[name] = 1; store_of[name] = store }
        if (kind == "ObjectStore") { stores[name] = 1; dest[name] = destination; retention[name] = ret; creds[name] = credsecrets }
        if (kind == "ScheduledBackup" && sbcluster != "") scheduled[sbcluster] = 1
      }
      kind = ""; name = ""; section = ""; replicas = -1; minrep = -1; ro_true = 0; ro_false = 0; secretkeys = ""; prev = ""
      sub2 = ""; store = ""; destination = ""; ret = ""; credsecrets = ""; credindent = -1; sbcluster = ""
    }
    BEGIN { flush() }
    /^---$/ { flush(); next }
    # kustomize sorts keys (apiVersion, data, kind, metadata, spec): remember the top-level section
    /^[A-Za-z]/ { section = $1; sub(/:.*/, "", section) }
    /^kind: / { kind = $2 }
    section == "metadata" && /^  name: / { name = $2 }
    section == "spec" && /^  replicas: / { replicas = $2 + 0 }
    section == "spec" && /^  minReplicas: / { minrep = $2 + 0 }
    # CloudNativePG: which ObjectStore a Cluster archives to, and what an ObjectStore keeps where
    # with which credentials Secret(s); which Cluster a ScheduledBackup backs up.
    /^  [A-Za-z]/ { sub2 = $1 }
    kind == "Cluster" && /^ *barmanObjectName: / { store = $2; gsub(/["\047]/, "", store) }
    kind == "ObjectStore" && section == "spec" && /^    destinationPath: / { destination = $2 }
    kind == "ObjectStore" && section == "spec" && /^  retentionPolicy: / { ret = $2 }
    kind == "ObjectStore" && credindent >= 0 && match($0, /^ */) && RLENGTH <= credindent { credindent = -1 }
    kind == "ObjectStore" && credindent >= 0 && /^ *name: / { credsecrets = credsecrets " " $2 }
    # (s3Credentials, azureCredentials, googleCredentials; [a-z0-9], because mawk 1.3.4 misses
    # "s3Credentials" with [A-Za-z]*[Cc])
    kind == "ObjectStore" && /^ *[a-z0-9]*[Cc]redentials: *$/ { match($0, /^ */); credindent = RLENGTH }
    kind == "ScheduledBackup" && sub2 == "cluster:" && /^    name: / { sbcluster = $2 }
    /^ *readOnlyRootFilesystem: true$/ { ro_true++ }
    /^ *readOnlyRootFilesystem: false$/ { ro_false++ }
    # (a name ending in _FILE or _FILES holds the path of a mounted Secret, not the secret itself)
    section == "data" && /^  [A-Za-z0-9_.-]*(PASSWORD|SECRET|TOKEN|PRIVATE|CREDENTIAL)[A-Za-z0-9_.-]*:/ && $1 !~ /_FILES?:$/ { secretkeys = secretkeys " " $1 }
    # an environment variable whose name says secret, with a literal value instead of valueFrom
    /^ *value: / && prev ~ /^ *- name: [A-Z0-9_]*(PASSWORD|SECRET|TOKEN|PRIVATE|CREDENTIAL)/ && prev !~ /_FILES?$/ {
      split(prev, p, "name: ")
      err = err "\n  environment variable " p[2] " has an inline value: use a secretKeyRef"
    }
    { prev = $0 }
    END {
      flush()
      n = split(required, req, " ")
      for (i = 1; i <= n; i++) if (!(req[i] in kinds)) err = err "\n  no " req[i] " rendered"
      if (prod || ("Cluster" in kinds)) {
        if (!(main_db in clusters)) err = err "\n  no Cluster " main_db " rendered (the Deployment reads " main_db "-app)"
        if (!(key_vault in clusters)) err = err "\n  no Cluster " key_vault " (the key vault) rendered (the Deployment reads " key_vault "-app)"
      }
      if (key_vault in clusters) {
        s = store_of[key_vault]
        if (s == "") {
          if (prod) err = err "\n  Cluster " key_vault " is not backed up (no barmanObjectName): losing the vault loses every conversation"
        } else if (!(s in stores)) {
          err = err "\n  Cluster " key_vault " archives to ObjectStore " s ", which is not rendered"
        } else {
          d = days(retention[s])
          if (d < 0 || d > max_days) err = err "\n  ObjectStore " s " (key vault) retentionPolicy \"" retention[s] "\": must be at most " max_days "d, so a destroyed key leaves every backup within days"
          if (!(key_vault in scheduled)) err = err "\n  no ScheduledBackup for Cluster " key_vault ": its retention counts on nightly base backups"
          if (dest[s] == "") err = err "\n  ObjectStore " s " has no destinationPath"
          nc = split(creds[s], mine, " ")
          for (o in stores) if (o != s) {
            if (dest[o] != "" && dest[o] == dest[s]) err = err "\n  ObjectStore " o " shares the bucket path " dest[s] " with the key vault (" s ")"
            for (i = 1; i <= nc; i++) if (!((o, mine[i]) in said) && index(creds[o] " ", " " mine[i] " ") && said[o, mine[i]] = 1) err = err "\n  ObjectStore " o " shares the credentials Secret " mine[i] " with the key vault (" s ")"
          }
        }
      }
      if (err != "") { printf "%s:%s\n", overlay, err > "/dev/stderr"; exit 1 }
      # the summary in a stable order (awk has no portable sort: a small insertion sort)
      m = 0
      for (k in kinds) names[++m] = k
      for (i = 2; i <= m; i++) { v = names[i]; j = i - 1; while (j > 0 && names[j] > v) { names[j + 1] = names[j]; j-- } names[j + 1] = v }
      summary = ""
      for (i = 1; i <= m; i++) summary = summary (i > 1 ? ", " : "") kinds[names[i]] " " names[i]
      printf "ok  %s: %d objects (%s)\n", overlay, total, summary
    }
  ' "$file"
}

if [ "$renderer" != none ]; then
  echo "rendering with $renderer ($(command -v "$renderer"))"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  for o in "${overlays[@]}"; do
    out="$tmp/$(basename "$o").yaml"
    case $renderer in
      kubectl) kubectl kustomize "$o" >"$out" || fail "kubectl kustomize $o failed" ;;
      kustomize) kustomize build "$o" >"$out" || fail "kustomize build $o failed" ;;
      *) fail "unknown K8S_CHECK_RENDERER=$renderer" ;;
    esac
    check_rendered "$o" "$out" || fail "$o: rendered manifests break the rules above"
  done
  echo "k8s/check.sh: all ${#overlays[@]} overlays render and pass"
  exit 0
fi

if [ "${K8S_CHECK_RENDERER:-auto}" = none ]; then
  echo "kubectl not used (K8S_CHECK_RENDERER=none): checked manifests as YAML only"
else
  echo "kubectl not found: checked manifests as YAML only"
fi
command -v python3 >/dev/null 2>&1 || fail "neither kubectl, kustomize nor python3 is available: nothing could be checked"
python3 -c 'import yaml' 2>/dev/null || fail "python3 has no PyYAML (pip install pyyaml) and there is no kubectl/kustomize: nothing could be checked"

python3 - "${overlays[@]}" <<'PY'
import os
import sys

import re

import yaml

errors = []
seen = set()
# a name ending in _FILE(S) holds the path of a mounted Secret, not the secret itself
SECRETISH = re.compile(r"^(?!.*_FILES?$).*(PASSWORD|SECRET|TOKEN|PRIVATE|CREDENTIAL)")


def load(path):
    try:
        with open(path) as f:
            return [d for d in yaml.safe_load_all(f) if d is not None]
    except FileNotFoundError:
        errors.append(f"{path}: referenced but missing")
    except yaml.YAMLError as e:
        errors.append(f"{path}: not valid YAML: {e}")
    return []


def check_manifest(path, doc):
    if not isinstance(doc, dict):
        errors.append(f"{path}: a document is not a mapping")
        return
    for key in ("apiVersion", "kind"):
        if not doc.get(key):
            errors.append(f"{path}: document without {key}")
    if not (doc.get("metadata") or {}).get("name"):
        errors.append(f"{path}: {doc.get('kind')} without metadata.name")
    kind = doc.get("kind")
    if kind == "Secret":
        errors.append(f"{path}: defines a Secret ({(doc.get('metadata') or {}).get('name')}): reference Secrets, never define them")
    if kind == "ConfigMap":
        for key in (doc.get("data") or {}):
            if SECRETISH.search(key.upper()):
                errors.append(f"{path}: ConfigMap key {key} looks like a secret: use a Secret reference")
    if kind == "Deployment":
        spec = doc.get("spec") or {}
        if "replicas" in spec and (spec["replicas"] or 0) < 2:
            errors.append(f"{path}: Deployment replicas {spec['replicas']}, needs >= 2")
        for c in ((spec.get("template") or {}).get("spec") or {}).get("containers") or []:
            ro = (c.get("securityContext") or {}).get("readOnlyRootFilesystem")
            if ro is False:
                errors.append(f"{path}: container {c.get('name')} sets readOnlyRootFilesystem: false")
            for e in c.get("env") or []:
                if SECRETISH.search(str(e.get("name", ""))) and "value" in e:
                    errors.append(f"{path}: environment variable {e['name']} has an inline value: use a secretKeyRef")
    if kind == "HorizontalPodAutoscaler":
        spec = doc.get("spec") or {}
        if "minReplicas" in spec and (spec["minReplicas"] or 0) < 2:
            errors.append(f"{path}: HPA minReplicas {spec['minReplicas']}, needs >= 2")
    return doc


def walk(kdir):
    """Checks one kustomization directory and what it references; returns its resource documents."""
    kdir = os.path.normpath(kdir)
    kfile = os.path.join(kdir, "kustomization.yaml")
    if kfile in seen:
        return []
    seen.add(kfile)
    docs = load(kfile)
    if not docs:
        errors.append(f"{kfile}: missing or empty")
        return []
    k = docs[0]
    out = []
    for r in k.get("resources") or []:
        p = os.path.join(kdir, r)
        if os.path.isdir(p):
            if not os.path.isfile(os.path.join(p, "kustomization.yaml")):
                errors.append(f"{kfile}: resource directory {r} has no kustomization.yaml")
            out += walk(p)
        else:
            for d in load(p):
                check_manifest(p, d)
                out.append((p, d))
    patch_files = [p.get("path") for p in k.get("patches") or [] if isinstance(p, dict) and p.get("path")]
    patch_files += [p for p in k.get("patchesStrategicMerge") or [] if isinstance(p, str)]
    patch_files += [p.get("path") for p in k.get("patchesJson6902") or [] if isinstance(p, dict) and p.get("path")]
    for pf in patch_files:
        p = os.path.join(kdir, pf)
        for d in load(p):
            if isinstance(d, list):  # a JSON 6902 patch: a list of operations
                for op in d:
                    if not (isinstance(op, dict) and op.get("op") and op.get("path")):
                        errors.append(f"{p}: JSON patch operation without op/path")
            else:
                check_manifest(p, d)
    for g in k.get("configMapGenerator") or []:
        for f in (g.get("files") or []) + (g.get("envs") or []):
            f = f.split("=", 1)[-1]
            if not os.path.isfile(os.path.join(kdir, f)):
                errors.append(f"{kfile}: configMapGenerator file {f} is missing")
    if k.get("secretGenerator"):
        errors.append(f"{kfile}: secretGenerator puts secret values in git: reference Secrets instead")
    return out


MAIN_DB = os.environ["main_db"]
KEY_VAULT = os.environ["key_vault"]
MAX_DAYS = int(os.environ["key_vault_max_backup_days"])


def retention_days(policy):
    """A Barman retention policy ("7d", "2w", "1m") in days, months counted as 31; None if unreadable."""
    m = re.fullmatch(r"([0-9]+)([dwm])", str(policy or ""))
    return int(m.group(1)) * {"d": 1, "w": 7, "m": 31}[m.group(2)] if m else None


def credential_secrets(node, inside=False):
    """The Secret names an ObjectStore's configuration refers to (under s3Credentials, azureCredentials, ...)."""
    found = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if inside and key == "name" and isinstance(value, str):
                found.add(value)
            found |= credential_secrets(value, inside or key.lower().endswith("credentials"))
    elif isinstance(node, list):
        for value in node:
            found |= credential_secrets(value, inside)
    return found


def check_databases(overlay, docs):
    """Both Clusters the Deployment reads, and the key vault's short, separate backups (see the header)."""
    prod = os.path.basename(overlay) == "prod"
    named = lambda kind: {(d.get("metadata") or {}).get("name"): d for _, d in docs if isinstance(d, dict) and d.get("kind") == kind}
    clusters, stores, scheduled = named("Cluster"), named("ObjectStore"), named("ScheduledBackup")
    if prod or clusters:
        for name, what in ((MAIN_DB, ""), (KEY_VAULT, " (the key vault)")):
            if name not in clusters:
                errors.append(f"{overlay}: no Cluster {name}{what} (the Deployment reads {name}-app)")
    vault = clusters.get(KEY_VAULT)
    if vault is None:
        return
    archivers = [(p.get("parameters") or {}).get("barmanObjectName") for p in (vault.get("spec") or {}).get("plugins") or []]
    store = next((a for a in archivers if a), None)
    if store is None:
        if prod:
            errors.append(f"{overlay}: Cluster {KEY_VAULT} is not backed up (no barmanObjectName): losing the vault loses every conversation")
        return
    if store not in stores:
        errors.append(f"{overlay}: Cluster {KEY_VAULT} archives to ObjectStore {store}, which is not among the resources")
        return
    spec = stores[store].get("spec") or {}
    days = retention_days(spec.get("retentionPolicy"))
    if days is None or days > MAX_DAYS:
        errors.append(f"{overlay}: ObjectStore {store} (key vault) retentionPolicy {spec.get('retentionPolicy')!r}: "
                      f"must be at most {MAX_DAYS}d, so a destroyed key leaves every backup within days")
    if not any(((d.get("spec") or {}).get("cluster") or {}).get("name") == KEY_VAULT for d in scheduled.values()):
        errors.append(f"{overlay}: no ScheduledBackup for Cluster {KEY_VAULT}: its retention counts on nightly base backups")
    path = (spec.get("configuration") or {}).get("destinationPath")
    if not path:
        errors.append(f"{overlay}: ObjectStore {store} has no destinationPath")
    mine = credential_secrets(spec)
    for other, d in stores.items():
        if other == store:
            continue
        ospec = d.get("spec") or {}
        if path and (ospec.get("configuration") or {}).get("destinationPath") == path:
            errors.append(f"{overlay}: ObjectStore {other} shares the bucket path {path} with the key vault ({store})")
        for secret in sorted(mine & credential_secrets(ospec)):
            errors.append(f"{overlay}: ObjectStore {other} shares the credentials Secret {secret} with the key vault ({store})")


for overlay in sys.argv[1:]:
    seen.clear()  # each overlay walks the shared base again
    docs = walk(overlay)
    kinds = sorted({d.get("kind") for _, d in docs if isinstance(d, dict)})
    deployments = [d for _, d in docs if isinstance(d, dict) and d.get("kind") == "Deployment"]
    for d in deployments:
        for c in d["spec"]["template"]["spec"].get("containers", []):
            if (c.get("securityContext") or {}).get("readOnlyRootFilesystem") is not True:
                errors.append(f"{overlay}: container {c.get('name')} is not readOnlyRootFilesystem: true")
    if not deployments:
        errors.append(f"{overlay}: no Deployment among its resources")
    check_databases(overlay, docs)
    print(f"    {overlay}: {len(docs)} resource documents ({', '.join(kinds)})")

if errors:
    errors = list(dict.fromkeys(errors))  # the shared base is reported once
    print("k8s/check.sh: FAIL (structural check):\n  " + "\n  ".join(errors), file=sys.stderr)
    sys.exit(1)
print(f"k8s/check.sh: structural check of {len(sys.argv) - 1} overlays passed (YAML only, not rendered)")
PY
