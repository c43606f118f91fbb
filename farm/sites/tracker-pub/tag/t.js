/* Pub Régie - balise de conversion, v2.1 ("correspondance avancée") */
(function () {
  'use strict';
  var tag = document.currentScript;
  var cfg = (tag && tag.dataset) || {};
  var pixel = 'https://ad.{{.D}}/conv.gif';
  var account = cfg.compte || '0';

  function hit(params) {
    var q = ['pid=' + encodeURIComponent(account)];
    Object.keys(params).forEach(function (k) {
      q.push(k + '=' + encodeURIComponent(params[k]));
    });
    q.push('r=' + Math.floor(Math.random() * 1e9));
    var img = new Image(1, 1);
    img.src = pixel + '?' + q.join('&');
  }

  function hex(buf) {
    var bytes = new Uint8Array(buf);
    var out = '';
    for (var i = 0; i < bytes.length; i++) {
      out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    }
    return out;
  }

  hit({ ev: 'PageView', u: location.href });

  // Advanced matching: the e-mail address, normalised and hashed, is sent
  // as soon as it is typed, to match the visitor with an advertising
  // profile.
  var matched = {};
  function isEmail(el) {
    return el && el.tagName === 'INPUT' &&
      (el.type === 'email' || /mail|courriel/i.test(el.name || '') || el.autocomplete === 'email');
  }
  function match(el) {
    if (!isEmail(el) || !window.crypto || !crypto.subtle) {
      return;
    }
    var email = el.value.trim().toLowerCase();
    if (email.indexOf('@') < 1 || matched[email]) {
      return;
    }
    matched[email] = true;
    crypto.subtle.digest('SHA-256', new TextEncoder().encode(email)).then(function (d) {
      hit({ ev: 'Lead', em: hex(d), u: location.href });
    });
  }
  document.addEventListener('change', function (e) { match(e.target); }, true);
  document.addEventListener('blur', function (e) { match(e.target); }, true);
  setInterval(function () {
    var fields = document.querySelectorAll('input');
    for (var i = 0; i < fields.length; i++) {
      match(fields[i]);
    }
  }, 1000);
})();
