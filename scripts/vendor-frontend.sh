#!/usr/bin/env bash
# Vendor front-end files from the npm registry into app/static/.
#
#   scripts/vendor-frontend.sh        (run from the repository root)
#
# - Packs pinned versions of govuk-frontend, htmx.org and swagger-ui-dist (for
#   FastAPI's /docs) with `npm pack` (npm checks each tarball against the
#   registry's integrity hash; this script also checks it against the hashes
#   pinned below).
# - Compiles GOV.UK Frontend's Sass with a system font stack: no GDS Transport,
#   no @font-face, no font files copied or requested.
# - Copies the JS bundles, Swagger UI's CSS and licences, skips every GOV.UK
#   crown / crest / logotype image, and writes app/static/VENDORED.md.
# - Creates app/static/{app.js,app.css,favicon.svg} only if they do not exist
#   (they are site files: edit them freely, re-running will not overwrite them).
#
# Idempotent: app/static/{govuk,htmx,swagger-ui}/ are deleted and rebuilt on
# every run. Needs only node/npm and the npm registry (no CDN).
set -euo pipefail

GOVUK_FRONTEND_VERSION="6.3.0"
HTMX_VERSION="2.0.11"
SWAGGER_UI_VERSION="5.35.0"
SASS_VERSION="1.108.2"

# Expected `npm pack` integrity hashes. Update them together with the versions.
GOVUK_FRONTEND_INTEGRITY="sha512-cXIQxm5PHCsbic47GXZrVBZhAeeshTLRL6ZBKilLsR6rMCjJuWb7Fruq0VUNMBJFlJk/srsRj/q8d5bM9cgKoA=="
HTMX_INTEGRITY="sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA=="
SWAGGER_UI_INTEGRITY="sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ=="

FONT_STACK='system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif'
ASSETS_URL="/static/govuk/assets/"

# Image files shipped by govuk-frontend that show the GOV.UK crown, the royal
# crest or the GOV.UK logotype. These are for GOV.UK services only.
EXCLUDED_IMAGE_GLOBS=(
  "favicon.*" "govuk-icon-*" "govuk-crest*" "govuk-opengraph-image*"
  "*crown*" "*logotype*" "*logo*"
)

if [[ ! -f pyproject.toml || ! -d app ]]; then
  echo "error: run this from the repository root" >&2
  exit 1
fi
REPO_ROOT="$(pwd)"
STATIC="$REPO_ROOT/app/static"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vendor-frontend.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

log() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# check_css FILE ALLOWED: fail if the stylesheet loads anything from another
# host, or has a url() not starting with the ERE alternatives in ALLOWED.
check_css() {
  if grep -Eq '@import|url\((["'\'']?)(https?:)?//' "$1"; then
    die "$1 loads something from another host"
  fi
  if grep -o 'url([^)]*)' "$1" | grep -Ev "^url\([\"']?($2)" | grep -q .; then
    die "$1 has a url() outside $2"
  fi
}

cd "$WORK"

# --- 1. Download the tarballs ------------------------------------------------
log "npm pack govuk-frontend@$GOVUK_FRONTEND_VERSION htmx.org@$HTMX_VERSION" \
  "swagger-ui-dist@$SWAGGER_UI_VERSION"
npm pack --json --silent "govuk-frontend@$GOVUK_FRONTEND_VERSION" \
  "htmx.org@$HTMX_VERSION" "swagger-ui-dist@$SWAGGER_UI_VERSION" >pack.json

# Print "filename integrity shasum" for one package from npm's JSON output.
pack_field() {
  node -e '
    const [name, field] = process.argv.slice(1);
    const p = JSON.parse(require("fs").readFileSync("pack.json", "utf8"))
      .find((e) => e.name === name);
    if (!p) { console.error("not in npm pack output: " + name); process.exit(1); }
    console.log(p[field]);
  ' "$1" "$2"
}

GF_TGZ="$(pack_field govuk-frontend filename)"
GF_INTEGRITY="$(pack_field govuk-frontend integrity)"
GF_SHASUM="$(pack_field govuk-frontend shasum)"
GF_VERSION="$(pack_field govuk-frontend version)"
HX_TGZ="$(pack_field htmx.org filename)"
HX_INTEGRITY="$(pack_field htmx.org integrity)"
HX_SHASUM="$(pack_field htmx.org shasum)"
HX_VERSION="$(pack_field htmx.org version)"
SU_TGZ="$(pack_field swagger-ui-dist filename)"
SU_INTEGRITY="$(pack_field swagger-ui-dist integrity)"
SU_SHASUM="$(pack_field swagger-ui-dist shasum)"
SU_VERSION="$(pack_field swagger-ui-dist version)"

[[ "$GF_VERSION" == "$GOVUK_FRONTEND_VERSION" ]] || die "govuk-frontend version is $GF_VERSION"
[[ "$HX_VERSION" == "$HTMX_VERSION" ]] || die "htmx.org version is $HX_VERSION"
[[ "$SU_VERSION" == "$SWAGGER_UI_VERSION" ]] || die "swagger-ui-dist version is $SU_VERSION"
[[ "$GF_INTEGRITY" == "$GOVUK_FRONTEND_INTEGRITY" ]] \
  || die "govuk-frontend integrity $GF_INTEGRITY does not match the pinned hash"
[[ "$HX_INTEGRITY" == "$HTMX_INTEGRITY" ]] \
  || die "htmx.org integrity $HX_INTEGRITY does not match the pinned hash"
[[ "$SU_INTEGRITY" == "$SWAGGER_UI_INTEGRITY" ]] \
  || die "swagger-ui-dist integrity $SU_INTEGRITY does not match the pinned hash"

mkdir -p govuk-frontend htmx swagger-ui
tar -xzf "$GF_TGZ" -C govuk-frontend
tar -xzf "$HX_TGZ" -C htmx
tar -xzf "$SU_TGZ" -C swagger-ui
GF="$WORK/govuk-frontend/package/dist/govuk"
HX="$WORK/htmx/package"
SU="$WORK/swagger-ui/package"
SU_FILES=(swagger-ui-bundle.js swagger-ui-bundle.js.LICENSE.txt swagger-ui.css LICENSE NOTICE)

# --- 2. Compile GOV.UK Frontend CSS with a system font stack -----------------
log "npm install --no-save sass@$SASS_VERSION"
npm install --no-save --ignore-scripts --no-audit --no-fund --silent \
  "sass@$SASS_VERSION" >/dev/null

# govuk-frontend 6.x settings (dist/govuk/settings/_typography-font.scss and
# _assets.scss): $govuk-font-family, $govuk-include-default-font-face
# (defaults to true only when "GDS Transport" is in the font family) and
# $govuk-assets-path (images/fonts paths are derived from it).
cat >govuk.scss <<SCSS
@use "govuk-frontend/package/dist/govuk" with (
  \$govuk-font-family: ($FONT_STACK),
  \$govuk-include-default-font-face: false,
  \$govuk-assets-path: "$ASSETS_URL"
);
SCSS

log "compiling GOV.UK Frontend Sass"
./node_modules/.bin/sass --style=compressed --no-source-map --quiet-deps \
  --load-path="$WORK" govuk.scss govuk-frontend.min.css

# Fail if anything font-file related survived.
for forbidden in "GDS Transport" "@font-face" "/assets/fonts" "woff"; do
  if grep -q -- "$forbidden" govuk-frontend.min.css; then
    die "compiled CSS still contains '$forbidden'"
  fi
done
check_css govuk-frontend.min.css "$ASSETS_URL|data:"

# Swagger UI: the CSS may only use data: URLs; the bundle must not hard-code a
# CDN or a remote stylesheet/font. (It does name https://validator.swagger.io:
# see VENDORED.md for how to switch that off.)
check_css "$SU/swagger-ui.css" "data:"
if grep -Eiq 'cdn\.|unpkg\.com|jsdelivr|cdnjs|googleapis|gstatic|url\((["'\'']?)(https?:)?//' \
  "$SU/swagger-ui-bundle.js"; then
  die "swagger-ui-bundle.js hard-codes a CDN or remote url()"
fi

# --- 3. Install the files ----------------------------------------------------
log "writing app/static/"
rm -rf "$STATIC/govuk" "$STATIC/htmx" "$STATIC/swagger-ui"
mkdir -p "$STATIC/govuk/assets" "$STATIC/htmx" "$STATIC/swagger-ui"

cp govuk-frontend.min.css "$STATIC/govuk/govuk-frontend.min.css"
cp "$GF/govuk-frontend.min.js" "$STATIC/govuk/govuk-frontend.min.js"

# Images, except fonts (never copied) and anything with the crown/crest/logo.
copied_images=()
skipped_images=()
for img in "$GF/assets/images/"*; do
  [[ -f "$img" ]] || continue
  name="$(basename "$img")"
  skip=0
  for glob in "${EXCLUDED_IMAGE_GLOBS[@]}"; do
    # shellcheck disable=SC2053  # glob match intended
    if [[ "$name" == $glob ]]; then skip=1; break; fi
  done
  if ((skip)); then
    skipped_images+=("$name")
  else
    mkdir -p "$STATIC/govuk/assets/images"
    cp "$img" "$STATIC/govuk/assets/images/$name"
    copied_images+=("$name")
  fi
done
log "images copied: ${copied_images[*]:-(none)}"
log "images skipped (crown/crest/logotype): ${skipped_images[*]:-(none)}"

# manifest.json: copy only if every icon it lists was copied (the 6.3.0
# manifest lists only crown icons, so it is not copied).
if [[ -f "$GF/assets/manifest.json" ]]; then
  if node -e '
      const fs = require("fs"), path = require("path");
      const [manifest, dest] = process.argv.slice(1);
      const icons = JSON.parse(fs.readFileSync(manifest, "utf8")).icons || [];
      process.exit(icons.every((i) => fs.existsSync(path.join(dest, i.src))) ? 0 : 1);
    ' "$GF/assets/manifest.json" "$STATIC/govuk/assets"; then
    cp "$GF/assets/manifest.json" "$STATIC/govuk/assets/manifest.json"
    log "manifest.json copied"
  else
    log "manifest.json skipped (it lists GOV.UK crown icons that are not vendored)"
  fi
fi
rmdir "$STATIC/govuk/assets" 2>/dev/null || true

# Licences. The govuk-frontend npm tarball ships no LICENSE file; its
# package.json says "MIT" and the text below is the repository's LICENSE.txt
# (https://github.com/alphagov/govuk-frontend/blob/main/LICENSE.txt).
gf_license="$(find "$WORK/govuk-frontend/package" -maxdepth 1 -iname 'licen[cs]e*' | head -n1)"
if [[ -n "$gf_license" ]]; then
  cp "$gf_license" "$STATIC/govuk/LICENSE"
else
  gf_spdx="$(node -p 'require(process.argv[1]).license' "$WORK/govuk-frontend/package/package.json")"
  [[ "$gf_spdx" == "MIT" ]] || die "govuk-frontend licence is now '$gf_spdx'; update this script"
  cat >"$STATIC/govuk/LICENSE" <<'EOF'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF
fi

cp "$HX/dist/htmx.min.js" "$STATIC/htmx/htmx.min.js"
hx_license="$(find "$HX" -maxdepth 1 -iname 'licen[cs]e*' | head -n1)"
[[ -n "$hx_license" ]] || die "htmx.org tarball has no LICENSE file"
cp "$hx_license" "$STATIC/htmx/LICENSE"

for f in "${SU_FILES[@]}"; do cp "$SU/$f" "$STATIC/swagger-ui/$f"; done

# --- 4. VENDORED.md ----------------------------------------------------------
TODAY="$(date -u +%Y-%m-%d)"
cat >"$STATIC/VENDORED.md" <<EOF
# Vendored front-end files

Generated on $TODAY by \`scripts/vendor-frontend.sh\`. Do not edit the files
under \`govuk/\`, \`htmx/\` and \`swagger-ui/\` by hand: change the pinned
versions in the script and run it again from the repository root. Nothing is
loaded from a CDN.

## govuk-frontend $GF_VERSION

- npm tarball: \`$GF_TGZ\`
- integrity: \`$GF_INTEGRITY\`
- shasum: \`$GF_SHASUM\`
- licence: MIT (\`govuk/LICENSE\`; the tarball has no LICENSE file, the text is
  the upstream repository's LICENSE.txt)
- \`govuk/govuk-frontend.min.css\`: compiled from \`dist/govuk/index.scss\` with
  sass $SASS_VERSION, compressed, using a **system font stack**
  (\`$FONT_STACK\`) and \`\$govuk-include-default-font-face: false\`.
  It contains no GDS Transport, no \`@font-face\` and no font URLs; no font
  files are vendored. \`\$govuk-assets-path\` is \`$ASSETS_URL\`.
- \`govuk/govuk-frontend.min.js\`: \`dist/govuk/govuk-frontend.min.js\`
  (an ES module; load it with \`type="module"\`).
- images copied: ${copied_images[*]:-none}
- images not copied (GOV.UK crown, royal crest or logotype, for GOV.UK
  services only): ${skipped_images[*]:-none}
- \`assets/manifest.json\` is copied only if all the icons it lists are copied.

## htmx.org $HX_VERSION

- npm tarball: \`$HX_TGZ\`
- integrity: \`$HX_INTEGRITY\`
- shasum: \`$HX_SHASUM\`
- licence: 0BSD (\`htmx/LICENSE\`)
- \`htmx/htmx.min.js\`: \`dist/htmx.min.js\`

## swagger-ui-dist $SU_VERSION

- npm tarball: \`$SU_TGZ\`
- integrity: \`$SU_INTEGRITY\`
- shasum: \`$SU_SHASUM\`
- licence: Apache-2.0 (\`swagger-ui/LICENSE\`, \`swagger-ui/NOTICE\`; licences of
  the bundled third-party code: \`swagger-ui/swagger-ui-bundle.js.LICENSE.txt\`)
- \`swagger-ui/swagger-ui-bundle.js\`, \`swagger-ui/swagger-ui.css\`: copied as
  is, for FastAPI's \`get_swagger_ui_html(swagger_js_url=..., swagger_css_url=...)\`.
  The CSS has only \`data:\` URLs (its \`sourceMappingURL\` map is not vendored).
- The bundle's \`validatorUrl\` defaults to \`https://validator.swagger.io/validator\`:
  unless the spec URL contains localhost/127.0.0.1, it loads a badge image from
  there (sending the spec URL). Switch it off with
  \`swagger_ui_parameters={"validatorUrl": None}\`.

## Site files (created once, not overwritten)

\`app.js\`, \`app.css\` and \`favicon.svg\` are created by the script only if
they do not exist yet.
EOF

# --- 5. Site files, created only if missing ----------------------------------
if [[ ! -f "$STATIC/app.js" ]]; then
  cat >"$STATIC/app.js" <<'EOF'
// Site JavaScript. Load as: <script type="module" src="/static/app.js"></script>
// (after <script defer src="/static/htmx/htmx.min.js"></script>, so window.htmx
// exists here). No inline script is needed, so it works under a strict CSP.
import { initAll } from '/static/govuk/govuk-frontend.min.js'

// GOV.UK Frontend 6 only initialises components when <body> has the class
// "govuk-frontend-supported" (its template sets it with an inline <script>).
// Browsers that reach this ES module support it, so set it here.
document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()

if (window.htmx) {
  // Strict CSP: htmx would inject an inline <style> (indicator styles are in
  // app.css instead) and would need 'unsafe-eval' for hx-on / js: values.
  window.htmx.config.includeIndicatorStyles = false
  window.htmx.config.allowEval = false
}

// Send the CSRF token from <meta name="csrf-token" content="..."> with every
// htmx request.
const csrfMeta = document.querySelector('meta[name="csrf-token"]')
const csrfToken = csrfMeta && csrfMeta.getAttribute('content')
if (csrfToken) {
  document.body.addEventListener('htmx:configRequest', (event) => {
    event.detail.headers['X-CSRF-Token'] = csrfToken
  })
}
EOF
  log "created app/static/app.js"
fi

if [[ ! -f "$STATIC/app.css" ]]; then
  cat >"$STATIC/app.css" <<'EOF'
/* Site styles, loaded after /static/govuk/govuk-frontend.min.css. */

/* This is not a GOV.UK service: no royal crest above the footer copyright
   (the crest image is not vendored, so this also avoids a 404). */
.govuk-footer__copyright-logo::before {
  content: none;
}

/* htmx request indicators (htmx.config.includeIndicatorStyles is false, so
   htmx does not inject an inline <style>). */
.htmx-indicator {
  opacity: 0;
  visibility: hidden;
}
.htmx-request .htmx-indicator,
.htmx-request.htmx-indicator {
  opacity: 1;
  visibility: visible;
  transition: opacity 200ms ease-in;
}
EOF
  log "created app/static/app.css"
fi

if [[ ! -f "$STATIC/favicon.svg" ]]; then
  cat >"$STATIC/favicon.svg" <<'EOF'
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="4" fill="#1d70b8"/><text x="16" y="21.5" fill="#fff" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif" font-size="15" font-weight="700" text-anchor="middle">SR</text></svg>
EOF
  log "created app/static/favicon.svg"
fi

log "done"
