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

// Autosave on a stage page. Each answer's fields sit in an element with data-autosave, which
// saves them with htmx on "app:save" and is replaced by the server's reply. A changed answer
// saves once focus is no longer in it: a date, or a score and its evidence, is not checked
// half-entered, and the reply never replaces fields the person is still using. (Focus moves
// after "change" fires, so the check waits for the current event to finish.)
const autosaveOf = (node) => (node instanceof Element ? node.closest('[data-autosave]') : null)

function saveIfLeft (answer) {
  setTimeout(() => {
    if (answer.dataset.unsaved && !answer.contains(document.activeElement)) {
      delete answer.dataset.unsaved
      if (window.htmx) window.htmx.trigger(answer, 'app:save')
    }
  })
}

document.addEventListener('change', (event) => {
  const answer = autosaveOf(event.target)
  if (answer) {
    answer.dataset.unsaved = 'true'
    saveIfLeft(answer)
  }
})

document.addEventListener('focusout', (event) => {
  const answer = autosaveOf(event.target)
  if (answer) saveIfLeft(answer)
})

// GOV.UK Frontend components (the character count) in content htmx puts on the page.
document.addEventListener('htmx:load', (event) => {
  if (event.detail.elt !== document.body) initAll({ scope: event.detail.elt })
})

// Downloads that take a while to make (a large partnership's PDF): say so while the server
// works. The browser gives no signal when a download starts, so the message stays a while.
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[data-busy-text]') : null
  const status = document.getElementById('download-status')
  if (!link || !status) return
  status.textContent = link.dataset.busyText
  setTimeout(() => { status.textContent = '' }, 15000)
})
