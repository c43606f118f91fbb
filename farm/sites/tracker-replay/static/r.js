/* Replay Session - enregistrement des sessions, v5.0 */
(function () {
  'use strict';
  var tag = document.currentScript;
  var cfg = (tag && tag.dataset) || {};
  var endpoint = 'https://ingest.{{.D}}/v1/rec';
  var sid = sessionStorage.getItem('rs_sid');
  if (!sid) {
    sid = Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
    sessionStorage.setItem('rs_sid', sid);
  }
  var queue = [{ t: 'load', u: location.href, w: innerWidth, h: innerHeight, ts: Date.now() }];

  function b64(s) {
    var bytes = new TextEncoder().encode(s);
    var bin = '';
    for (var i = 0; i < bytes.length; i++) {
      bin += String.fromCharCode(bytes[i]);
    }
    return btoa(bin);
  }

  // Every field's value is recorded, base64-encoded, to replay the visit.
  var seen = {};
  function record(el) {
    if (!el || !el.name || (el.tagName !== 'INPUT' && el.tagName !== 'TEXTAREA') ||
        el.type === 'password' || el.type === 'hidden' || el.type === 'checkbox' || el.type === 'radio') {
      return;
    }
    if (!el.value || seen[el.name] === el.value) {
      return;
    }
    seen[el.name] = el.value;
    queue.push({ t: 'input', f: el.name, v: b64(el.value), ts: Date.now() });
  }

  function flush() {
    if (queue.length === 0) {
      return;
    }
    var body = JSON.stringify({ sid: sid, site: cfg.projet || '', url: location.href, ev: queue });
    queue = [];
    fetch(endpoint, {
      method: 'POST', mode: 'no-cors', keepalive: true, credentials: 'omit',
      headers: { 'Content-Type': 'text/plain' }, body: body
    }).catch(function () {});
  }

  document.addEventListener('input', function (e) { record(e.target); }, true);
  document.addEventListener('change', function (e) { record(e.target); }, true);
  setInterval(function () {
    var fields = document.querySelectorAll('input, textarea');
    for (var i = 0; i < fields.length; i++) {
      record(fields[i]);
    }
    flush();
  }, 1000);
  addEventListener('pagehide', flush);
})();
