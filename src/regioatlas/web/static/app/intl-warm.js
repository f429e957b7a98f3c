/* RegioAtlas: a worker that builds the page language's number and date formatters once and
 * quits (started by app.js). The first Intl formatter a page builds costs its main thread
 * 80-200 ms on a slow CPU while ICU sets up the language's data; ICU keeps that data for the
 * whole renderer, so when this worker has built the formatters on another thread, the page's
 * own take a few milliseconds. The language comes after "#" in the worker's URL.
 */
(function () {
  "use strict";
  const lang = decodeURIComponent(self.location.hash.slice(1)) || "en";
  try {
    new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(1);
    new Intl.NumberFormat(lang, { style: "currency", currency: "EUR", maximumFractionDigits: 0 }).format(1);
    new Intl.DateTimeFormat(lang, { year: "numeric", month: "short", day: "numeric" }).format(new Date());
  } catch (e) {
    // an unknown language: the page's own formatters say so
  }
  self.close();
})();
