#!/usr/bin/env bash
# Copy the front-end files the templates load from node_modules/ (filled by `npm ci`)
# into static/vendor/, so nothing is fetched from a CDN at run time.
# static/vendor/ is generated: it is gitignored and rebuilt by `make assets`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

src=node_modules
dest=static/vendor

if [[ ! -d "$src" ]]; then
    echo "vendor_assets: $src/ is missing; run 'npm ci' first (or 'make assets')." >&2
    exit 1
fi

# source|destination. The .map files are copied too: the minified files name them in a
# sourceMappingURL comment, and collectstatic's manifest storage fails on a missing one.
files=(
    "bootstrap/dist/css/bootstrap.min.css|bootstrap/bootstrap.min.css"
    "bootstrap/dist/css/bootstrap.min.css.map|bootstrap/bootstrap.min.css.map"
    "bootstrap/dist/js/bootstrap.bundle.min.js|bootstrap/bootstrap.bundle.min.js"
    "bootstrap/dist/js/bootstrap.bundle.min.js.map|bootstrap/bootstrap.bundle.min.js.map"
    "echarts/dist/echarts.min.js|echarts/echarts.min.js"
    "htmx.org/dist/htmx.min.js|htmx/htmx.min.js"
    "tom-select/dist/js/tom-select.complete.min.js|tom-select/tom-select.complete.min.js"
    "tom-select/dist/js/tom-select.complete.min.js.map|tom-select/tom-select.complete.min.js.map"
    "tom-select/dist/css/tom-select.bootstrap5.min.css|tom-select/tom-select.bootstrap5.min.css"
    "tom-select/dist/css/tom-select.bootstrap5.min.css.map|tom-select/tom-select.bootstrap5.min.css.map"
)

missing=0
for entry in "${files[@]}"; do
    from="$src/${entry%%|*}"
    if [[ ! -f "$from" ]]; then
        echo "vendor_assets: missing $from (is package-lock.json in sync with package.json?)" >&2
        missing=1
    fi
done
if (( missing )); then
    exit 1
fi

rm -rf "$dest"
for entry in "${files[@]}"; do
    from="$src/${entry%%|*}"
    to="$dest/${entry#*|}"
    mkdir -p "$(dirname "$to")"
    cp "$from" "$to"
done

echo "vendor_assets: copied ${#files[@]} files into $dest/"
