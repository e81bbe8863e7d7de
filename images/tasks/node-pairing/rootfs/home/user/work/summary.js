'use strict'
// summarize(text): one { route, count, p95, errorRate } per route of an access log (see `task`).

function summarize(text) {
  throw new Error('not written yet')
}

module.exports = { summarize }
