// @ts-check
/** The gateway's checkout takes a form post (PayU): sent at once; the button is there without JavaScript. */
/** @type {HTMLFormElement} */ (document.getElementById('checkout')).submit();
