"use strict";
// A secret field of a result or a webhook event (`cardNumber`, `cvv`, one-time `code`s, the raw
// body of an unknown event): readable (`card.cvv`), but a non-enumerable getter, so that what
// prints objects never shows it: `console.log`, `util.inspect` — even with `showHidden` or
// `console.log("%o", card)`, where a getter prints as `[Getter]` — `JSON.stringify`,
// `Object.keys` and a spread (`{ ...card }`). Only
// `util.inspect(x, { showHidden: true, getters: true })`, an explicit request, calls it.
function hideSecret(object, key, value) {
  Object.defineProperty(object, key, {
    get() {
      return value;
    },
    enumerable: false,
    configurable: true,
  });
}

module.exports = { hideSecret };
