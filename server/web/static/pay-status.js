// @ts-check
/**
 * The payer's "processing" page: polls the status API every 2.5 s, backs off on errors, and
 * after 5 minutes offers help and polls every 15 s (a payment that slow is usually settled by
 * the reconciler, and the customer hears it on WhatsApp either way). Without JavaScript, a
 * link reloads the page.
 */
(function () {
  /** @type {{ referencia: string }} */
  var data = JSON.parse(document.getElementById('payment-data').textContent);
  var ref = data.referencia, BASE = 2500, SLOW = 15000, HELP_AFTER = 300000, delay = BASE, started = Date.now();
  function late() { return Date.now() - started > HELP_AFTER; }
  function next() { setTimeout(poll, delay); }
  function poll() {
    if (late()) { document.getElementById('help').hidden = false; }
    fetch('/api/payments/' + encodeURIComponent(ref) + '/status', { cache: 'no-store' })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (s) {
        delay = late() ? SLOW : BASE;
        if (s.estado === 'pendiente' || (s.estado === 'completado' && !s.pedido)) { next(); return; }
        location.replace('/pay/' + encodeURIComponent(ref) + '?vista=estado');
      })
      .catch(function () { delay = Math.min(delay * 2, 30000); next(); });
  }
  next();
})();
