/* Proof-of-work for the public complaint form (see complaints/pow.py).
 *
 * Finds a counter such that SHA-256(challenge + ":" + counter) starts with the
 * number of zero bits the form asks for, puts it in the hidden field and enables
 * the submit button. Runs in batches so the page stays responsive; no third-party
 * service is involved.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-pow-bits]");
  if (!form) {
    return;
  }
  var bits = parseInt(form.getAttribute("data-pow-bits"), 10) || 0;
  var challenge = form.querySelector("input[name=pow_challenge]").value;
  var counterInput = form.querySelector("input[name=pow_counter]");
  var submit = form.querySelector("button[type=submit]");
  var status = document.getElementById("pow-status");
  var BATCH = 256;
  var encoder = new TextEncoder();

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function leadingZeroBits(buffer) {
    var bytes = new Uint8Array(buffer);
    var count = 0;
    for (var i = 0; i < bytes.length; i++) {
      var byte = bytes[i];
      if (byte === 0) {
        count += 8;
        continue;
      }
      for (var mask = 0x80; mask > 0 && (byte & mask) === 0; mask >>= 1) {
        count += 1;
      }
      return count;
    }
    return count;
  }

  function hash(counter) {
    return window.crypto.subtle
      .digest("SHA-256", encoder.encode(challenge + ":" + counter))
      .then(function (buffer) {
        return leadingZeroBits(buffer) >= bits ? counter : -1;
      });
  }

  function search(start) {
    var batch = [];
    for (var counter = start; counter < start + BATCH; counter++) {
      batch.push(hash(counter));
    }
    return Promise.all(batch).then(function (results) {
      for (var i = 0; i < results.length; i++) {
        if (results[i] >= 0) {
          return results[i];
        }
      }
      // Yield to the page between batches.
      return new Promise(function (resolve) {
        setTimeout(resolve, 0);
      }).then(function () {
        return search(start + BATCH);
      });
    });
  }

  if (!(window.crypto && window.crypto.subtle && window.TextEncoder)) {
    say(form.getAttribute("data-pow-failed"));
    return;
  }

  say(form.getAttribute("data-pow-working"));
  search(0).then(
    function (counter) {
      counterInput.value = String(counter);
      submit.disabled = false;
      say(form.getAttribute("data-pow-done"));
    },
    function () {
      say(form.getAttribute("data-pow-failed"));
    }
  );
})();
