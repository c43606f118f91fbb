package browser

import "fmt"

// The consent pass's scripts. bannerScript runs in an isolated world of
// this package (the page cannot see nor fake what it finds; it keeps the
// controls it found in that world's globals for clickScript); globalsScript
// runs in the page's own world, since the consent managers' APIs live
// there, and only reads.

// globalsScript names the consent-management APIs the page defines. The
// IAB TCF API (__tcfapi) is asked for its TC data, without waiting: a
// CMP that answers later is still named by the presence of the function.
const globalsScript = `(() => {
const has = n => { try { return typeof window[n] !== "undefined" && window[n] !== null; } catch (e) { return false; } };
const out = {managers: [], tcf: false, tcf_cmp: 0, tcf_gdpr: null};
const known = [["tarteaucitron", "tarteaucitron"], ["klaro", "klaro"], ["orejime", "orejime"],
  ["CookieConsent", "cookieconsent"], ["Didomi", "didomi"], ["OneTrust", "onetrust"], ["Optanon", "onetrust"],
  ["Cookiebot", "cookiebot"], ["CookieControl", "cookiebot"], ["axeptioSDK", "axeptio"], ["_axcb", "axeptio"]];
for (const [g, m] of known) if (has(g) && !out.managers.includes(m)) out.managers.push(m);
if (typeof window.__tcfapi === "function") {
  out.tcf = true;
  try {
    window.__tcfapi("getTCData", 2, (d, ok) => { if (ok && d) { out.tcf_cmp = d.cmpId || 0; out.tcf_gdpr = d.gdprApplies; } });
  } catch (e) {}
}
return JSON.stringify(out);
})()`

// bannerScript finds the visible consent banners of the document and
// describes their controls. A banner is either the visible root of a
// known consent manager, or a visible dialog-like box (fixed or sticky
// position, role dialog or alertdialog, aria-modal, an open <dialog>)
// whose text speaks of cookies or trackers and which offers a control
// to accept them. Controls are classified by the manager's own
// identifiers when known, else by their label (text, aria-label, title,
// value) in French and English; refusal is looked for before acceptance
// since "Continuer sans accepter" contains "accepter". A close control
// counts as refusal only when its label says so.
const bannerScript = `(() => {
const norm = s => (s || "").replace(/\s+/g, " ").trim();
const low = s => norm(s).toLowerCase().replace(/[’‘]/g, "'");
const managers = [
  {name: "tarteaucitron", root: "#tarteaucitronRoot", accept: "#tarteaucitronPersonalize2, #tarteaucitronAllAllowed",
   refuse: "#tarteaucitronAllDenied2, #tarteaucitronAllDenied", settings: "#tarteaucitronCloseAlert"},
  {name: "klaro", root: ".klaro", accept: ".cm-btn-success, .cm-btn-accept-all, .cn-ok .cm-btn-success",
   refuse: ".cn-decline, .cm-btn-decline", settings: ".cn-learn-more, .cm-btn-lern-more"},
  {name: "orejime", root: ".orejime-Env, #orejime", accept: ".orejime-Notice-saveButton, .orejime-Button--save, .orejime-Notice-acceptAllButton",
   refuse: ".orejime-Notice-declineButton, .orejime-Button--decline", settings: ".orejime-Notice-learnMoreButton"},
  {name: "cookieconsent", root: "#cc-main", accept: "[data-role=all]", refuse: "[data-role=necessary]", settings: "[data-role=show]"},
  {name: "didomi", root: "#didomi-host", accept: "#didomi-notice-agree-button",
   refuse: "#didomi-notice-disagree-button, .didomi-continue-without-agreeing", settings: "#didomi-notice-learn-more-button"},
  {name: "onetrust", root: "#onetrust-consent-sdk", accept: "#onetrust-accept-btn-handler, #accept-recommended-btn-handler",
   refuse: "#onetrust-reject-all-handler, .ot-pc-refuse-all-handler", settings: "#onetrust-pc-btn-handler"},
  {name: "cookiebot", root: "#CybotCookiebotDialog", accept: "#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll, #CybotCookiebotDialogBodyButtonAccept",
   refuse: "#CybotCookiebotDialogBodyButtonDecline", settings: "#CybotCookiebotDialogBodyLevelButtonCustomize"},
  {name: "axeptio", root: ".axeptio_widget, #axeptio_overlay", accept: "#axeptio_btn_acceptAll",
   refuse: "#axeptio_btn_dismiss", settings: "#axeptio_btn_configure"},
];
const refuseRE = /^(tout |je )?(refuser|refuse|rejeter|interdire|decline|reject|deny)( tout| tous| all| cookies| les cookies| et fermer| all cookies)?$|continuer sans accepter|poursuivre sans accepter|continue without accept|sans accepter|non,? merci|no,? thanks|refuser (les|tous les) cookies|(accepter |autoriser |accept )?(seulement|uniquement|only) (les )?(cookies |traceurs )?(strictement )?(n[ée]cessaires|necessary|essential)|(necessary|essential) (cookies )?only|i decline|je refuse|fermer et refuser|close and (reject|decline)/;
const acceptRE = /^(oui,? )?(tout |tous )?(accepter|accept|autoriser|allow|agree)( tout| tous| all| cookies| les cookies| et fermer| & fermer| and close| et continuer| and continue| all cookies| l'ensemble)?( !|!|\.)?$|^j'accepte|^i (accept|agree)|^ok( !|!|\.)?$|^ok,? (pour moi|j'accepte|tout accepter|accept)|^d'accord|^c'est bon|^j'ai compris|^compris|^got it|^that's ok|^accept(er)? (and|et) /;
const settingsRE = /personnaliser|param[ée]trer|param[èe]tres|pr[ée]f[ée]rences|g[ée]rer|choisir|je choisis|customi[sz]e|settings|preferences|manage|options|let me choose|more options|en savoir plus|learn more/;
const closeRE = /^(×|✕|✖|x|fermer|close|fermer la fen[êe]tre|close dialog)$/;
const cookieRE = /cookie|traceur|tracker|t[ée]moins? de connexion|consentement|consent|donn[ée]es de navigation|mesure d'audience/;
const visible = e => {
  if (!e || !e.getBoundingClientRect) return false;
  const r = e.getBoundingClientRect();
  if (r.width < 2 || r.height < 2) return false;
  for (let n = e; n && n.nodeType === 1; n = n.parentElement || (n.getRootNode && n.getRootNode().host)) {
    const s = getComputedStyle(n);
    if (s.display === "none" || s.visibility === "hidden" || parseFloat(s.opacity) === 0) return false;
  }
  return r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
};
const label = e => {
  let t = norm(e.innerText || e.textContent);
  if (e.tagName === "INPUT") t = norm(e.value);
  const aria = norm(e.getAttribute("aria-label") || e.getAttribute("title"));
  return {text: t, aria};
};
const classify = (e, m) => {
  if (m) {
    for (const role of ["refuse", "accept", "settings"]) if (m[role] && e.matches(m[role])) return role;
  }
  const {text, aria} = label(e);
  for (const l of [low(text), low(aria)]) {
    if (!l || l.length > 60) continue;
    if (refuseRE.test(l)) return "refuse";
  }
  for (const l of [low(text), low(aria)]) {
    if (!l) continue;
    if (l.length <= 40 && acceptRE.test(l)) return "accept";
  }
  const l = low(text || aria);
  if (closeRE.test(l) || (!low(text) && closeRE.test(low(aria)))) return "close";
  if (l.length <= 40 && settingsRE.test(l)) return "settings";
  return "other";
};
// all elements, open shadow roots included
const all = root => {
  const out = [];
  const walk = r => { for (const e of r.querySelectorAll("*")) { out.push(e); if (e.shadowRoot) walk(e.shadowRoot); } };
  walk(root);
  return out;
};
const rgba = s => { const m = (s || "").match(/rgba?\(([^)]+)\)/); if (!m) return [0, 0, 0, 0];
  const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(parseFloat); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
const contrast = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
const blend = (top, under) => { const a = top[3]; return [top[0] * a + under[0] * (1 - a), top[1] * a + under[1] * (1 - a), top[2] * a + under[2] * (1 - a), 1]; };
// the colour behind an element: its ancestors' backgrounds composed over white
const backdrop = e => {
  const layers = [];
  for (let n = e; n && n.nodeType === 1; n = n.parentElement || (n.getRootNode && n.getRootNode().host)) {
    const c = rgba(getComputedStyle(n).backgroundColor);
    if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
  }
  let c = [255, 255, 255, 1];
  for (let i = layers.length - 1; i >= 0; i--) c = blend(layers[i], c);
  return c;
};
const opacity = e => { let o = 1; for (let n = e; n && n.nodeType === 1; n = n.parentElement) o *= parseFloat(getComputedStyle(n).opacity); return o; };
const describe = (e, role, banner) => {
  const s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  const {text, aria} = label(e);
  const bg = backdrop(e);
  let fg = rgba(s.color);
  fg = blend([fg[0], fg[1], fg[2], fg[3] * opacity(e)], bg);
  const own = rgba(s.backgroundColor);
  const bannerBg = backdrop(banner.parentElement || banner);
  const filled = own[3] > 0.5 && contrast(blend(own, bannerBg), backdrop(banner)) >= 1.1;
  const bordered = parseFloat(s.borderTopWidth) >= 1 && s.borderTopStyle !== "none" && rgba(s.borderTopColor)[3] > 0.5;
  const tag = e.tagName.toLowerCase();
  const kind = (tag === "button" || (tag === "input") || filled || bordered) ? "button" : (tag === "a" ? "link" : "text");
  return {role, text: text.slice(0, 120), aria: aria.slice(0, 120), tag, kind,
    x: r.left, y: r.top, width: r.width, height: r.height,
    font_size: parseFloat(s.fontSize) || 0, font_weight: parseInt(s.fontWeight, 10) || 400,
    color: "rgb(" + fg.slice(0, 3).map(Math.round).join(",") + ")", background: "rgb(" + bg.slice(0, 3).map(Math.round).join(",") + ")",
    contrast: Math.round(contrast(fg, bg) * 100) / 100, filled, bordered,
    navigates: tag === "a" && !!e.href && !(e.getAttribute("href") || "").startsWith("#") && !/^javascript:/i.test(e.href) &&
      (() => { try { const u = new URL(e.href); return u.origin !== location.origin || u.pathname !== location.pathname || u.search !== location.search; } catch (x) { return true; } })()};
};
const clickable = "button, a, [role=button], [role=link], input[type=button], input[type=submit], [onclick], [tabindex='0']";
const controls = (root, m, banner) => {
  const cand = all(root).filter(e => e.matches(clickable) && visible(e));
  const native = e => e.matches("button, a, input");
  // A button or link wins over what it holds (a span role=button inside
  // it); any other clickable box (a focusable notice) gives way to the
  // controls it holds.
  const found = cand.filter(e => !cand.some(o => o !== e && (
    (o.contains(e) && native(o)) || (e.contains(o) && !native(e)))));
  return found.map(e => ({e, d: describe(e, classify(e, m), banner)}));
};
const candidates = [];
for (const m of managers) {
  for (const root of document.querySelectorAll(m.root)) {
    if (visible(root) || all(root).some(visible)) candidates.push({e: root, m});
  }
}
for (const e of all(document)) {
  if (candidates.some(c => c.e === e || c.e.contains(e))) continue;
  const s = getComputedStyle(e);
  const role = (e.getAttribute("role") || "").toLowerCase();
  const dialogLike = s.position === "fixed" || s.position === "sticky" || role === "dialog" || role === "alertdialog" ||
    e.getAttribute("aria-modal") === "true" || (e.tagName === "DIALOG" && e.open);
  if (!dialogLike || !visible(e)) continue;
  const text = low(e.innerText);
  if (!cookieRE.test(text) || text.length > 4000) continue;
  candidates.push({e, m: null});
}
// keep the outermost candidates
const roots = candidates.filter(c => !candidates.some(o => o !== c && (
  (o.e.contains(c.e) && !(o.m === null && c.m !== null)) || (c.m === null && o.m !== null && c.e.contains(o.e)))));
const banners = [];
const keep = window.__vigieConsent = [];
for (const c of roots) {
  const ctl = controls(c.e, c.m, c.e).filter(x => x.d.role !== "other" || c.m);
  const shown = ctl.filter(x => visible(x.e));
  if (!c.m && !shown.some(x => x.d.role === "accept")) continue; // a dialog that offers no acceptance is no consent banner
  if (c.m && shown.length === 0) continue;
  const r = c.e.getBoundingClientRect();
  const b = {manager: c.m ? c.m.name : "generic", text: norm(c.e.innerText).slice(0, 400),
    x: r.left, y: r.top, width: r.width, height: r.height, controls: []};
  for (const x of shown) { b.controls.push(Object.assign(x.d, {index: keep.length})); keep.push(x.e); }
  banners.push(b);
}
return JSON.stringify(banners);
})()`

// clickScript reports where control i of the last bannerScript run is, so
// that the mouse clicks it where a visitor would; when something else
// covers that point the control is clicked by script instead ("script").
// With byScript, or when click is false (only locate), nothing is clicked
// by script.
func clickScript(i int, click, byScript bool) string {
	return fmt.Sprintf(`(() => {
const e = (window.__vigieConsent || [])[%d];
if (!e || !e.isConnected) return JSON.stringify({found: false});
e.scrollIntoView({block: "nearest", inline: "nearest"});
const r = e.getBoundingClientRect();
const x = r.left + r.width / 2, y = r.top + r.height / 2;
let hit = e.getRootNode().elementFromPoint ? e.getRootNode().elementFromPoint(x, y) : document.elementFromPoint(x, y);
const mouse = !%t && !!hit && (hit === e || e.contains(hit));
if (%t && !mouse) e.click();
return JSON.stringify({found: true, mouse, x, y});
})()`, i, byScript, click)
}
