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
