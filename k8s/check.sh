#!/usr/bin/env bash
# Checks the Kubernetes manifests without a cluster. For every overlay under k8s/overlays/:
#   - it renders (`kubectl kustomize`, or `kustomize build`);
#   - no Secret object is rendered (Secrets are referenced, never defined in git), no secret-looking
#     environment variable has an inline value, no ConfigMap key looks like a secret;
#   - the Deployment has at least 2 replicas and readOnlyRootFilesystem: true (and never false),
#     the HPA keeps at least 2 replicas, and the expected kinds are all there.
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

# Checks one rendered multi-document YAML stream (kustomize's output: keys sorted, documents
# separated by ---, two-space indentation). Prints a one-line summary of the kinds.
check_rendered() {
  local overlay=$1 file=$2 required=$required_kinds
  [ "$(basename "$overlay")" = prod ] && required="$required Cluster"
  awk -v overlay="$overlay" -v required="$required" '
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
      }
      kind = ""; name = ""; section = ""; replicas = -1; minrep = -1; ro_true = 0; ro_false = 0; secretkeys = ""; prev = ""
    }
    BEGIN { flush() }
    /^---$/ { flush(); next }
    # kustomize sorts keys (apiVersion, data, kind, metadata, spec): remember the top-level section
    /^[A-Za-z]/ { section = $1; sub(/:.*/, "", section) }
    /^kind: / { kind = $2 }
    section == "metadata" && /^  name: / { name = $2 }
    section == "spec" && /^  replicas: / { replicas = $2 + 0 }
    section == "spec" && /^  minReplicas: / { minrep = $2 + 0 }
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
    print(f"    {overlay}: {len(docs)} resource documents ({', '.join(kinds)})")

if errors:
    errors = list(dict.fromkeys(errors))  # the shared base is reported once
    print("k8s/check.sh: FAIL (structural check):\n  " + "\n  ".join(errors), file=sys.stderr)
    sys.exit(1)
print(f"k8s/check.sh: structural check of {len(sys.argv) - 1} overlays passed (YAML only, not rendered)")
PY
