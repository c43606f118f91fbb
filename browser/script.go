package browser

import "fmt"

// The scripts below run in an isolated world of this package (DOM shared
// with the page, JavaScript globals not) except noSubmitScript, which must
// change the page's own prototypes. Each returns JSON.stringify(...).

// fieldsJS lists a form's input and textarea fields in document order,
// form-associated ones (form="id") included, as form.elements does.
const fieldsJS = `const vigieFields = f => Array.from(f.elements).filter(e =>
  e.tagName === "TEXTAREA" ||
  (e.tagName === "INPUT" && !["hidden", "submit", "button", "reset", "image"].includes(e.type)));`

// collectScript reads the frame's DOM, its Web Storage and, with forms, a
// description of its forms' fields.
func collectScript(forms bool) string {
	return fmt.Sprintf(`(() => {
%s
const text = s => (s || "").replace(/\s+/g, " ").trim();
const legend = e => {
  for (let f = e.closest("fieldset"); f; f = f.parentElement && f.parentElement.closest("fieldset")) {
    const l = Array.from(f.children).find(c => c.tagName === "LEGEND");
    if (l && text(l.textContent)) return text(l.textContent);
  }
  return "";
};
const typable = ["text", "email", "tel", "url", "search", "password", "number"];
const out = {html: document.documentElement ? document.documentElement.outerHTML : "",
  origin: location.origin, local: [], session: [], forms: []};
for (const [kind, name] of [["local", "localStorage"], ["session", "sessionStorage"]]) {
  try {
    const st = window[name];
    for (let i = 0; i < st.length; i++) { const k = st.key(i); out[kind].push([k, (st.getItem(k) || "").length]); }
  } catch (e) {}
}
if (%t) {
  out.forms = Array.from(document.forms).map(f => vigieFields(f).map(e => {
    const input = e.tagName === "INPUT";
    const labelled = (e.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean)
      .map(id => { const n = document.getElementById(id); return n ? n.textContent : ""; });
    return {tag: e.tagName.toLowerCase(), type: input ? e.type : "", name: e.getAttribute("name") || "",
      id: e.id || "", autocomplete: e.getAttribute("autocomplete") || "",
      label: text(Array.from(e.labels || []).map(l => l.textContent).join(" ")),
      placeholder: e.getAttribute("placeholder") || "",
      aria: text([e.getAttribute("aria-label") || "", ...labelled].join(" ")),
      legend: legend(e), disabled: e.matches(":disabled"),
      typable: !e.matches(":disabled") && !e.readOnly && (!input || typable.includes(e.type))};
  }));
}
return JSON.stringify(out);
})()`, fieldsJS, forms)
}

// noSubmitScript, run in the page's own world before typing, makes every
// submission a no-op: a capture-phase submit listener cancels the event and
// submit/requestSubmit do nothing.
const noSubmitScript = `(() => {
const P = HTMLFormElement.prototype, noop = function () {};
for (const m of ["submit", "requestSubmit"]) Object.defineProperty(P, m, {value: noop, writable: true, configurable: true});
window.addEventListener("submit", e => { e.preventDefault(); e.stopImmediatePropagation(); }, true);
return JSON.stringify(true);
})()`

// focusScript focuses field j of form i and selects its content so that
// typing replaces it; it reports whether the field has the focus.
func focusScript(form, field int) string {
	return fmt.Sprintf(`(() => {
%s
const f = document.forms[%d]; const e = f && vigieFields(f)[%d];
if (!e) return JSON.stringify(false);
e.scrollIntoView({block: "center"});
e.focus();
try { e.select(); } catch (err) {}
return JSON.stringify(document.activeElement === e);
})()`, fieldsJS, form, field)
}

// blurScript fires input and change on field j of form i and leaves it.
func blurScript(form, field int) string {
	return fmt.Sprintf(`(() => {
%s
const f = document.forms[%d]; const e = f && vigieFields(f)[%d];
if (e) {
  e.dispatchEvent(new Event("input", {bubbles: true}));
  e.dispatchEvent(new Event("change", {bubbles: true}));
  e.blur();
}
return JSON.stringify(true);
})()`, fieldsJS, form, field)
}
